package dev.ballast.worker.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import dev.ballast.api.TaskQueues;
import dev.ballast.embedded.EmbeddedTemporal;
import dev.ballast.worker.ConnectionSettings;
import dev.ballast.worker.TemporalConnections;
import dev.ballast.worker.TemporalUnreachableException;
import dev.ballast.worker.WorkerModule;
import dev.ballast.worker.WorkerService;
import dev.ballast.worker.WorkerSettings;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A worker and a client connect to a TLS-only service with the CA path, and refuse a wrong CA. */
@Timeout(120)
class TlsConnectionTest {
  @TempDir static Path certs;

  private static TestCertificates server;
  private static TestCertificates stranger;
  private static EmbeddedTemporal temporal;

  @BeforeAll
  static void startTlsService() throws Exception {
    server = TestCertificates.generate(certs, "server");
    stranger = TestCertificates.generate(certs, "stranger");
    temporal = EmbeddedTemporal.startTls(EmbeddedTemporal.LOOPBACK, 0, server.certificateFile(), server.privateKeyFile());
  }

  @AfterAll
  static void stop() {
    if (temporal != null) {
      temporal.close();
    }
  }

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put(ConnectionSettings.ADDRESS, temporal.address());
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void clientWithTheCaConnects() {
    ConnectionSettings settings =
        ConnectionSettings.fromEnv(env(ConnectionSettings.TLS_SERVER_CA_CERT_PATH, server.certificate().toString()));
    assertTrue(settings.tlsEnabled());
    WorkflowServiceStubs stubs = TemporalConnections.connect(settings);
    try {
      // A real call over the TLS channel.
      stubs.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
    } finally {
      stubs.shutdownNow();
    }
  }

  @Test
  void workerWithTheCaStartsAndPolls() {
    ConnectionSettings connection =
        ConnectionSettings.fromEnv(env(ConnectionSettings.TLS_SERVER_CA_CERT_PATH, server.certificate().toString()));
    WorkerSettings settings =
        WorkerSettings.defaults(temporal.address()).withQueues(List.of(TaskQueues.CHUNKS)).withChunkSlots(1);
    WorkerService service =
        Guice.createInjector(new WorkerModule(settings, connection)).getInstance(WorkerService.class);
    service.start();
    try {
      assertTrue(service.isRunning());
      assertTrue(service.connection().tlsEnabled());
    } finally {
      service.stop();
    }
  }

  @Test
  void wrongCaIsRefusedQuicklyNamingTheSetting() {
    ConnectionSettings settings =
        ConnectionSettings.fromEnv(env(ConnectionSettings.TLS_SERVER_CA_CERT_PATH, stranger.certificate().toString()));
    long started = System.nanoTime();
    TemporalUnreachableException e =
        assertThrows(TemporalUnreachableException.class, () -> TemporalConnections.connect(settings));
    long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
    assertTrue(seconds < 10, "took " + seconds + " s");
    assertTrue(e.getMessage().contains(ConnectionSettings.TLS_SERVER_CA_CERT_PATH), e.getMessage());
    assertTrue(e.getMessage().contains("TLS"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void plaintextClientIsRefusedWithAHint() {
    ConnectionSettings settings = ConnectionSettings.fromEnv(env());
    assertFalse(settings.tlsEnabled());
    TemporalUnreachableException e =
        assertThrows(TemporalUnreachableException.class, () -> TemporalConnections.connect(settings));
    assertTrue(e.getMessage().contains(temporal.address()), e.getMessage());
    assertTrue(e.getMessage().contains(ConnectionSettings.TLS + "=true"), e.getMessage());
  }

  @Test
  void badCertificatePathsAreNamed() throws Exception {
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConnectionSettings.fromEnv(env(ConnectionSettings.TLS_SERVER_CA_CERT_PATH, certs.resolve("nope.pem").toString())));
    assertTrue(missing.getMessage().startsWith(ConnectionSettings.TLS_SERVER_CA_CERT_PATH), missing.getMessage());

    Path garbage = Files.writeString(certs.resolve("garbage.pem"), "not a certificate\n");
    IllegalArgumentException notPem =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConnectionSettings.fromEnv(env(ConnectionSettings.TLS_SERVER_CA_CERT_PATH, garbage.toString())));
    assertTrue(notPem.getMessage().startsWith(ConnectionSettings.TLS_SERVER_CA_CERT_PATH), notPem.getMessage());

    IllegalArgumentException half =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConnectionSettings.fromEnv(env(ConnectionSettings.TLS_CLIENT_CERT_PATH, server.certificate().toString())));
    assertTrue(half.getMessage().contains(ConnectionSettings.TLS_CLIENT_KEY_PATH), half.getMessage());

    IllegalArgumentException badFlag =
        assertThrows(IllegalArgumentException.class, () -> ConnectionSettings.fromEnv(env(ConnectionSettings.TLS, "maybe")));
    assertTrue(badFlag.getMessage().startsWith(ConnectionSettings.TLS), badFlag.getMessage());
  }

  @Test
  void apiKeyTurnsTlsOnAndEnvNamesFollowTemporalConventions() {
    ConnectionSettings withKey =
        ConnectionSettings.fromEnv(
            Map.of(ConnectionSettings.API_KEY, "secret", ConnectionSettings.NAMESPACE, "prod.acct"));
    assertTrue(withKey.tlsEnabled());
    assertEquals("prod.acct", withKey.namespace());
    assertEquals(WorkerSettings.DEFAULT_ADDRESS, withKey.address());
    assertFalse(withKey.toString().contains("secret"), "no secret in logs");
    ConnectionSettings explicitOff =
        ConnectionSettings.fromEnv(Map.of(ConnectionSettings.API_KEY, "k", ConnectionSettings.TLS, "false"));
    assertFalse(explicitOff.tlsEnabled());
  }
}
