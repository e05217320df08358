package dev.ballast.starter;

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

  /** The namespace from the flag, else {@code TEMPORAL_NAMESPACE}, else {@code default}. */
  public String namespace(Map<String, String> env) {
    if (namespace != null && !namespace.isBlank()) {
      return namespace.trim();
    }
    String fromEnv = env.get("TEMPORAL_NAMESPACE");
    return fromEnv == null || fromEnv.isBlank() ? "default" : fromEnv.trim();
  }
}
