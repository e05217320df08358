package dev.ballast.starter;

import dev.ballast.ui.TaskQueuePollers;
import dev.ballast.ui.UiOptions;
import dev.ballast.ui.UiServer;
import dev.ballast.worker.codec.AesGcmPayloadCodec;
import dev.ballast.worker.codec.CodecKeys;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * {@code --ui-port}: the Temporal Web UI that {@code ballast run} (embedded) and {@code ballast
 * server} serve for the embedded service, on loopback.
 */
public class WebUiOption {
  @Option(
      names = "--ui-port",
      paramLabel = "PORT",
      defaultValue = "${env:BALLAST_UI_PORT:-8233}",
      description =
          "Port of the Temporal Web UI served for the embedded service, on loopback"
              + " (default ${DEFAULT-VALUE}, env BALLAST_UI_PORT; 0 turns it off).")
  int port;

  /**
   * Starts the Web UI for {@code temporalAddress} ({@code pollers}: the embedded service's record of
   * who polls its task queues), or returns null when turned off or when it
   * cannot start (a warning says why: the job runs anyway). With {@code codecKeys} (may be null)
   * it also serves the codec endpoint that decodes encrypted payloads for the UI.
   */
  public UiServer start(
      String temporalAddress, String namespace, String bindHost, TaskQueuePollers pollers,
      CodecKeys codecKeys, PrintWriter err) {
    if (port == 0) {
      return null;
    }
    try {
      UiServer ui =
          UiServer.start(
              UiOptions.loopback(temporalAddress, namespace, port)
                  .withBindHost(bindHost)
                  .withPollers(pollers));
      if (codecKeys != null) {
        // Encrypted payloads are shown decoded, through the UI's codec-server convention.
        ui.serveCodec(new AesGcmPayloadCodec(codecKeys)::decode);
      }
      return ui;
    } catch (IOException | RuntimeException e) {
      err.println("warning: Temporal Web UI not started on port " + port + ": " + e.getMessage()
          + " (use --ui-port to pick another port, 0 to turn it off)");
      err.flush();
      return null;
    }
  }
}
