package dev.ballast.starter;

import dev.ballast.worker.ConnectionSettings;
import java.util.Map;
import picocli.CommandLine.Option;

/** The connection options of every command that talks to Temporal. */
public class TemporalOptions {
  @Option(
      names = "--address",
      paramLabel = "HOST:PORT",
      description =
          "Temporal frontend to use (default: $TEMPORAL_ADDRESS). Without either, `ballast run`"
              + " starts the embedded service in-process; other commands need an address.")
  String address;

  @Option(
      names = "--namespace",
      paramLabel = "NAME",
      description = "Temporal namespace (default: $TEMPORAL_NAMESPACE, else \"default\").")
  String namespace;

  /** The address from the flag, else {@code TEMPORAL_ADDRESS}; null when neither is set. */
  public String address(Map<String, String> env) {
    if (address != null && !address.isBlank()) {
      return address.trim();
    }
    String fromEnv = env.get("TEMPORAL_ADDRESS");
    return fromEnv == null || fromEnv.isBlank() ? null : fromEnv.trim();
  }

  /**
   * The connection settings from the environment ({@code TEMPORAL_API_KEY}, {@code TEMPORAL_TLS*},
   * payload encryption keys), with the flags' address and namespace winning; null address means
   * {@link dev.ballast.worker.WorkerSettings#DEFAULT_ADDRESS}.
   *
   * @throws CliException with {@link ExitCodes#USAGE} naming the setting when one is malformed
   */
  public ConnectionSettings connection(Map<String, String> env) {
    try {
      ConnectionSettings settings = ConnectionSettings.fromEnv(env).withNamespace(namespace(env));
      String chosen = address(env);
      return chosen == null ? settings : settings.withAddress(chosen);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, "bad connection settings: " + e.getMessage(), e);
    }
  }

  /** The namespace from the flag, else {@code TEMPORAL_NAMESPACE}, else {@code default}. */
  public String namespace(Map<String, String> env) {
    if (namespace != null && !namespace.isBlank()) {
      return namespace.trim();
    }
    String fromEnv = env.get("TEMPORAL_NAMESPACE");
    return fromEnv == null || fromEnv.isBlank() ? "default" : fromEnv.trim();
  }
}
