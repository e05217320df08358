package dev.ballast.starter;

import dev.ballast.worker.ConnectionSettings;
import dev.ballast.worker.TemporalConnections;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A client connection to Temporal, closed when the command ends. */
public final class JobConnection implements AutoCloseable {
  private final String address;
  private final WorkflowServiceStubs stubs;
  private final WorkflowClient client;

  private JobConnection(String address, WorkflowServiceStubs stubs, WorkflowClient client) {
    this.address = address;
    this.stubs = stubs;
    this.client = client;
  }

  /**
   * Connects to {@code address}.
   *
   * @throws CliException with {@link ExitCodes#UNREACHABLE} when no address is configured
   * @throws dev.ballast.worker.TemporalUnreachableException when it does not answer
   */
  public static JobConnection open(String address, String namespace, String command) {
    requireAddress(address, command);
    WorkflowServiceStubs stubs = TemporalConnections.connect(address);
    return new JobConnection(address, stubs, TemporalConnections.client(stubs, namespace));
  }

  /**
   * Checks that {@code command} has an address to talk to, before it does anything else.
   *
   * @throws CliException with {@link ExitCodes#USAGE} when {@code address} is null
   */
  public static void requireAddress(String address, String command) {
    if (address == null) {
      throw new CliException(
          ExitCodes.USAGE,
          "ballast " + command + " needs a Temporal address (--address or TEMPORAL_ADDRESS);"
              + " the embedded service lives only inside `ballast run` - start one for other"
              + " processes with `ballast server`");
    }
  }

  /**
   * Connects as {@code temporal}'s flags and {@code env} say: address, namespace, TLS, API key and
   * payload encryption ({@link ConnectionSettings}).
   *
   * @throws CliException with {@link ExitCodes#USAGE} when no address is configured or a setting is
   *     malformed
   * @throws dev.ballast.worker.TemporalUnreachableException naming the setting at fault when the
   *     connection fails
   */
  public static JobConnection open(TemporalOptions temporal, Map<String, String> env, String command) {
    String address = temporal.address(env);
    if (address == null) {
      return open((String) null, null, command); // throws: the command needs an address
    }
    ConnectionSettings settings = temporal.connection(env);
    WorkflowServiceStubs stubs = TemporalConnections.connect(settings);
    return new JobConnection(address, stubs, TemporalConnections.client(stubs, settings));
  }

  public String address() {
    return address;
  }

  public WorkflowClient client() {
    return client;
  }

  public WorkflowServiceStubs stubs() {
    return stubs;
  }

  @Override
  public void close() {
    // Nothing of this connection outlives the command: cancel whatever is still in flight.
    stubs.shutdownNow();
    stubs.awaitTermination(2, TimeUnit.SECONDS);
  }
}
