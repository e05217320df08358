package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.inject.Guice;
import dev.ballast.embedded.EmbeddedTemporal;
import dev.ballast.samples.SampleGenerator;
import dev.ballast.starter.commands.WebUiLinks;
import dev.ballast.ui.UiOptions;
import dev.ballast.ui.UiServer;
import dev.ballast.worker.WorkerModule;
import dev.ballast.worker.WorkerService;
import dev.ballast.worker.WorkerSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The Web UI links the CLI prints: {@code run --keep-ui}, and {@code status} only for a UI that shows the job. */
class WebUiLinkTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private int get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  /** A free loopback port for the UI (`--ui-port 0` turns the UI off). */
  private static String freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return Integer.toString(s.getLocalPort());
    }
  }

  @Test
  @Timeout(120)
  void runKeepsTheUiUpAfterTheJobUntilStopped(@TempDir Path dir) throws Exception {
    // The page is served from the built Web UI, which -Dballast.ui.skipNpm=true leaves out.
    if (getClass().getClassLoader().getResource("ballast-ui/index.html") == null) {
      String why = "Web UI assets not built (-Dballast.ui.skipNpm=true?)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why);
      }
      Assumptions.abort(why + " (skipped locally; fails when CI=true)");
    }
    Path input = dir.resolve("in.csv");
    SampleGenerator.write(input, 2_000, 3);
    StringWriter out = new StringWriter();
    CommandLine cmd = BallastCommand.commandLine(new BallastCommand(Map.of(), dir));
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(new StringWriter(), true));
    AtomicInteger code = new AtomicInteger(-1);
    String uiPort = freePort();
    Thread run =
        new Thread(
            () -> code.set(cmd.execute("run", "--type", "settlement", "--input", input.toString(),
                "--output", dir.resolve("out").toString(), "--id", "keep-1", "--ui-port", uiPort, "--keep-ui")));
    run.start();
    try {
      Pattern kept = Pattern.compile("job keep-1 ended; the Temporal Web UI stays up at (\\S+) until Ctrl-C");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      Matcher m = kept.matcher(out.toString());
      while (!m.find()) {
        assertTrue(run.isAlive() && System.nanoTime() < deadline, "run did not keep the UI up:\n" + out);
        Thread.sleep(100);
        m = kept.matcher(out.toString());
      }
      assertTrue(out.toString().contains("keep-1 (stays up after the job until Ctrl-C)"), out.toString());
      String page = m.group(1);
      String base = page.substring(0, page.indexOf("/namespaces/"));
      Thread.sleep(500);
      assertTrue(run.isAlive(), "the job ended but run waits for Ctrl-C");
      assertEquals(200, get(page), "the job's page is served after the job");
      assertEquals(200, get(base + "/api/v1/namespaces/default/workflows/keep-1"), "and so is the service behind it");
    } finally {
      run.interrupt(); // as Ctrl-C does, minus the JVM exit
      run.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertFalse(run.isAlive());
    assertEquals(0, code.get(), "the job's exit code:\n" + out);
  }

  @Test
  void withoutKeepUiRunSaysTheUiStopsWithTheJob(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("in.csv");
    SampleGenerator.write(input, 500, 3);
    Cli.Result r = Cli.run(Map.of(), dir, "run", "--type", "settlement", "--input", input.toString(),
        "--output", dir.resolve("out").toString(), "--id", "nokeep-1", "--ui-port", freePort());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("/workflows/nokeep-1 (stops with the job; --keep-ui keeps it up)"), r.out());
  }

  @Test
  @Timeout(120)
  void statusLinksOnlyToAUiThatShowsTheJob(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("in.csv");
    SampleGenerator.write(input, 500, 3);
    try (EmbeddedTemporal temporal = EmbeddedTemporal.start(0)) {
      WorkerService worker =
          Guice.createInjector(new WorkerModule(WorkerSettings.defaults(temporal.address())))
              .getInstance(WorkerService.class);
      worker.start();
      try (UiServer ui = UiServer.start(UiOptions.loopback(temporal.address(), "default", 0))) {
        Map<String, String> env = Map.of("TEMPORAL_ADDRESS", temporal.address());
        Cli.Result run = Cli.run(env, dir, "run", "--type", "settlement", "--input", input.toString(),
            "--output", dir.resolve("out").toString(), "--id", "link-1");
        assertEquals(0, run.code(), run.out() + run.err());

        // No --ui-url, no $BALLAST_UI_URL: whatever listens on the default port does not show this run.
        Cli.Result status = Cli.run(env, dir, "status", "link-1");
        assertEquals(0, status.code(), status.err());
        assertFalse(status.out().contains("ui:"), status.out());
        assertFalse(Cli.run(env, dir, "status", "link-1", "--json").out().contains("\"ui\""));

        Cli.Result given = Cli.run(env, dir, "status", "link-1", "--ui-url", "http://ui.example:8080/");
        assertTrue(given.out().contains("ui: http://ui.example:8080/namespaces/default/workflows/link-1"), given.out());

        String runId = worker.client().newUntypedWorkflowStub("link-1").describe().getExecution().getRunId();
        assertTrue(WebUiLinks.showsRun(ui.url(), "default", "link-1", runId), "a UI for this service shows the run");
        assertFalse(WebUiLinks.showsRun(ui.url(), "default", "link-1", "another-run"));
        assertFalse(WebUiLinks.showsRun(ui.url(), "default", "no-such-job", runId));
        int unused;
        try (ServerSocket s = new ServerSocket(0)) {
          unused = s.getLocalPort();
        }
        assertFalse(WebUiLinks.showsRun("http://127.0.0.1:" + unused, "default", "link-1", runId), "no UI there");
      } finally {
        worker.stop();
      }
    }
  }
}
