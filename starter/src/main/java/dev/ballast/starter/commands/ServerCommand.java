package dev.ballast.starter.commands;

import dev.ballast.embedded.EmbeddedTemporal;
import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.Logging;
import dev.ballast.starter.WebUiOption;
import dev.ballast.ui.UiServer;
import dev.ballast.worker.codec.CodecKeys;
import dev.ballast.worker.GracefulShutdown;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ballast server}: the embedded Temporal service for other processes. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the embedded Temporal service (Temporal's Java test server, in memory, real time) for"
          + " other processes - `ballast worker`, `ballast start`, `status`... - until SIGTERM or"
          + " Ctrl-C. Everything it holds is lost when it stops.",
      "It has NO authentication: it listens on loopback (127.0.0.1) unless --bind says otherwise;"
          + " only bind another address on a trusted network."
    })
public class ServerCommand extends BaseCommand {
  @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default ${DEFAULT-VALUE}; 0 picks a free one).", defaultValue = "7233")
  int port;

  @Option(
      names = "--bind",
      paramLabel = "HOST",
      description = "Address to bind (default ${DEFAULT-VALUE}, loopback only).",
      defaultValue = EmbeddedTemporal.LOOPBACK)
  String bind;

  @Mixin WebUiOption webUi;

  @Override
  protected int execute() throws InterruptedException {
    Logging.verbose();
    EmbeddedTemporal service = EmbeddedTemporal.start(bind, port);
    UiServer ui =
        webUi.start(
            service.address(), "default", bind, service::pollers,
            CodecKeys.fromEnv(env()).orElse(null), err());
    out().println("Temporal (embedded) listening on " + service.address()
        + (EmbeddedTemporal.LOOPBACK.equals(bind) ? "" : " (bound to " + bind + ", unauthenticated)"));
    out().println("export TEMPORAL_ADDRESS=" + service.address() + "   # for ballast worker / start / status");
    if (ui != null) {
      out().println("Temporal Web UI: " + ui.url()
          + (EmbeddedTemporal.LOOPBACK.equals(bind) ? "" : " (unauthenticated)"));
    }
    out().flush();
    GracefulShutdown.awaitSignal(
        "server",
        () -> {
          if (ui != null) {
            ui.close();
          }
          service.close();
        });
    return 0;
  }
}
