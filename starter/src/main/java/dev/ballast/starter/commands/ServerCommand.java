package dev.ballast.starter.commands;

import dev.ballast.embedded.EmbeddedTemporal;
import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.Logging;
import dev.ballast.worker.GracefulShutdown;
import picocli.CommandLine.Command;
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

  @Override
  protected int execute() throws InterruptedException {
    Logging.verbose();
    EmbeddedTemporal service = EmbeddedTemporal.start(bind, port);
    out().println("Temporal (embedded) listening on " + service.address()
        + (EmbeddedTemporal.LOOPBACK.equals(bind) ? "" : " (bound to " + bind + ", unauthenticated)"));
    out().println("export TEMPORAL_ADDRESS=" + service.address() + "   # for ballast worker / start / status");
    out().flush();
    GracefulShutdown.awaitSignal("server", service::close);
    return 0;
  }
}
