package dev.ballast.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.embedded.EmbeddedTemporal;
import dev.ballast.worker.ConnectionSettings;
import dev.ballast.worker.tls.TestCertificates;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The CLI connects to a TLS-only service with the CA path from the environment. */
@Timeout(120)
class TlsCliTest {
  @TempDir static Path dir;

  private static TestCertificates server;
  private static TestCertificates stranger;
  private static EmbeddedTemporal temporal;

  @BeforeAll
  static void start() throws Exception {
    server = TestCertificates.generate(dir, "server");
    stranger = TestCertificates.generate(dir, "stranger");
    temporal = EmbeddedTemporal.startTls(EmbeddedTemporal.LOOPBACK, 0, server.certificateFile(), server.privateKeyFile());
  }

  @AfterAll
  static void stop() {
    if (temporal != null) {
      temporal.close();
    }
  }

  @Test
  void startAndStatusOverTls() throws Exception {
    java.nio.file.Files.writeString(dir.resolve("in.csv"), ""); // start checks that its input exists
    Map<String, String> env =
        Map.of(
            ConnectionSettings.ADDRESS, "127.0.0.1:1",
            ConnectionSettings.TLS_SERVER_CA_CERT_PATH, server.certificate().toString());
    // --address overrides TEMPORAL_ADDRESS.
    Cli.Result started =
        Cli.run(env, dir, "start", "--address", temporal.address(), "--id", "tls-1", "--type", "settlement",
            "--input", "in.csv", "--output", "out");
    assertEquals(0, started.code(), started.err());
    Cli.Result status = Cli.run(env, dir, "status", "tls-1", "--address", temporal.address());
    assertEquals(0, status.code(), status.err());
    assertTrue(status.out().contains("tls-1"), status.out());
  }

  @Test
  void wrongCaExitsFourWithOneLineNamingTheSetting() {
    Map<String, String> env =
        Map.of(
            ConnectionSettings.ADDRESS, temporal.address(),
            ConnectionSettings.TLS_SERVER_CA_CERT_PATH, stranger.certificate().toString());
    Cli.Result r = Cli.run(env, dir, "list");
    assertEquals(ExitCodes.UNREACHABLE, r.code(), r.err());
    assertEquals(1, r.errLines(), r.err());
    assertTrue(r.err().contains(ConnectionSettings.TLS_SERVER_CA_CERT_PATH), r.err());
  }

  @Test
  void missingCertificateFileIsABadUsageNamingTheSetting() {
    Map<String, String> env =
        Map.of(
            ConnectionSettings.ADDRESS, temporal.address(),
            ConnectionSettings.TLS_SERVER_CA_CERT_PATH, dir.resolve("missing.pem").toString());
    Cli.Result r = Cli.run(env, dir, "list");
    assertEquals(ExitCodes.USAGE, r.code(), r.err());
    assertEquals(1, r.errLines(), r.err());
    assertTrue(r.err().contains(ConnectionSettings.TLS_SERVER_CA_CERT_PATH), r.err());
  }
}
