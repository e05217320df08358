package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.inject.Guice;
import dev.ballast.testkit.TestTemporal;
import dev.ballast.worker.WorkerModule;
import dev.ballast.worker.WorkerService;
import dev.ballast.worker.WorkerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a CLI test class runs its commands against, once per {@link TestTemporal.Kind}: a Temporal
 * service of that kind, optionally a worker polling it (sticky execution {@code auto}: off on the
 * embedded service, on on a real server), the environment pointing the CLI at it, and a working
 * directory of its own. On a real server {@code ballast setup} has registered Ballast's search
 * attributes first, so jobs there carry them as in production.
 */
final class CliService implements AutoCloseable {
  final TestTemporal temporal;
  final WorkerService worker;
  final Map<String, String> env;
  final Path dir;

  private CliService(TestTemporal temporal, WorkerService worker, Path dir) {
    this.temporal = temporal;
    this.worker = worker;
    this.env = Map.of("TEMPORAL_ADDRESS", temporal.address());
    this.dir = dir;
  }

  /** A service of {@code kind}; with {@code chunkSlots > 0} also a worker with that many chunk slots. */
  static CliService start(TestTemporal.Kind kind, int chunkSlots) {
    TestTemporal temporal = TestTemporal.start(kind);
    WorkerService worker = null;
    try {
      Path dir = Files.createTempDirectory("ballast-cli-" + kind.name().toLowerCase() + "-");
      if (kind == TestTemporal.Kind.REAL) {
        Cli.Result setup = Cli.run(Map.of("TEMPORAL_ADDRESS", temporal.address()), dir, "setup");
        assertEquals(0, setup.code(), setup.out() + setup.err());
      }
      if (chunkSlots > 0) {
        worker =
            Guice.createInjector(
                    new WorkerModule(
                        WorkerSettings.defaults(temporal.address()).withChunkSlots(chunkSlots)))
                .getInstance(WorkerService.class);
        worker.start();
      }
      return new CliService(temporal, worker, dir);
    } catch (IOException e) {
      temporal.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      if (worker != null) {
        worker.stop();
      }
      temporal.close();
      throw e;
    }
  }

  TestTemporal.Kind kind() {
    return temporal.kind();
  }

  /** Runs {@code ballast ARGS} against this service, in {@link #dir}. */
  Cli.Result run(String... args) {
    return Cli.run(env, dir, args);
  }

  @Override
  public void close() {
    try {
      if (worker != null) {
        worker.stop();
      }
    } finally {
      temporal.close();
      deleteTree(dir);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("could not delete " + root + ": " + e);
    }
  }
}
