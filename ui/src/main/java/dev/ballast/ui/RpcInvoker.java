package dev.ballast.ui;

import com.google.protobuf.Message;

/**
 * Calls one Temporal RPC. Implementations throw {@link io.grpc.StatusRuntimeException} for gRPC
 * errors, exactly as a blocking stub would.
 */
@FunctionalInterface
interface RpcInvoker {
  Message invoke(ServiceCatalog.Rpc rpc, Message request);
}
