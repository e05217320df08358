package dev.ballast.testkit;

import dev.ballast.embedded.EmbeddedTemporal;

/**
 * A Temporal service that a test talks to over gRPC on loopback: the embedded service (Temporal's
 * Java test server, in this JVM) or a real Temporal server (the Temporal CLI's dev server, in a
 * process of its own). Tests that must pass on both take a {@link Kind} parameter and start the
 * service with {@link #start(Kind)}.
 */
public interface TestTemporal extends AutoCloseable {

  /** Which service. */
  enum Kind {
    /** {@code io.temporal:temporal-test-server} in this JVM: nothing to install. */
    EMBEDDED,
    /** {@code temporal server start-dev}: skipped locally without the CLI, failed under CI=true. */
    REAL
  }

  Kind kind();

  /** {@code host:port} of the frontend. */
  String address();

  /** The namespace jobs run in. */
  default String namespace() {
    return "default";
  }

  @Override
  void close();

  /** Starts a fresh service of that kind on a free loopback port. */
  static TestTemporal start(Kind kind) {
    return switch (kind) {
      case EMBEDDED -> embedded();
      case REAL -> RealTemporalServer.start(RealTemporalServer.options());
    };
  }

  /** The embedded service on a free loopback port. */
  static TestTemporal embedded() {
    return of(EmbeddedTemporal.start(0));
  }

  /** {@code service}, an embedded service already started (closing this closes it). */
  static TestTemporal of(EmbeddedTemporal service) {
    return new TestTemporal() {
      @Override
      public Kind kind() {
        return Kind.EMBEDDED;
      }

      @Override
      public String address() {
        return service.address();
      }

      @Override
      public void close() {
        service.close();
      }

      @Override
      public String toString() {
        return "embedded service at " + service.address();
      }
    };
  }
}
