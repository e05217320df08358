package dev.ballast.ui;

import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.stub.ClientCalls;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Forwards an RPC unchanged to a Temporal frontend over gRPC. */
final class GrpcInvoker implements RpcInvoker {

  /** Ordinary calls: generous, the UI shows an error if this passes. */
  static final Duration CALL_DEADLINE = Duration.ofSeconds(30);

  /**
   * History long polls ({@code waitNewEvent}): shorter than a real server's own long-poll timeout
   * would be, so a browser tab never holds a bridge thread for long. {@link EmbeddedEmulation} turns
   * the resulting DEADLINE_EXCEEDED into an empty page, as a real server does.
   */
  static final Duration LONG_POLL_DEADLINE = Duration.ofSeconds(20);

  private final Channel channel;

  GrpcInvoker(Channel channel) {
    this.channel = channel;
  }

  @Override
  public Message invoke(ServiceCatalog.Rpc rpc, Message request) {
    Duration deadline =
        request instanceof GetWorkflowExecutionHistoryRequest history && history.getWaitNewEvent()
            ? LONG_POLL_DEADLINE
            : CALL_DEADLINE;
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    return ClientCalls.blockingUnaryCall(channel, rpc.grpc(), options, request);
  }
}
