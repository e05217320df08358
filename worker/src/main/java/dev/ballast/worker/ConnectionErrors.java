package dev.ballast.worker;

import dev.ballast.api.Causes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns connection failures into one line that names the setting to fix. */
final class ConnectionErrors {
  private static final Logger log = LoggerFactory.getLogger(ConnectionErrors.class);

  private ConnectionErrors() {}

  /** Why connecting as {@code connection} failed with {@code e}, in one line. */
  static String explain(ConnectionSettings connection, Throwable e) {
    String address = connection.address();
    Throwable tls =
        Causes.chain(e).stream()
            .filter(c -> c instanceof SSLException || c instanceof CertificateException)
            .findFirst()
            .orElse(null);
    String detail = detail(e);
    if (tls != null || (connection.tlsEnabled() && looksLikeTls(detail))) {
      String cause = tls != null ? firstLine(String.valueOf(tls.getMessage())) : detail;
      return "TLS handshake with Temporal at " + address + " failed: " + cause + " (check "
          + ConnectionSettings.TLS_SERVER_CA_CERT_PATH
          + (connection.serverCaCertPath() == null ? " (unset: the system's CAs)" : "=" + connection.serverCaCertPath())
          + ", " + ConnectionSettings.TLS_SERVER_NAME + " and the client certificate)";
    }
    Optional<StatusRuntimeException> status = Causes.first(e, StatusRuntimeException.class);
    if (status.isPresent()) {
      Status.Code code = status.get().getStatus().getCode();
      if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED) {
        return "Temporal at " + address + " refused the credentials: " + detail + " (check "
            + ConnectionSettings.API_KEY + " or " + ConnectionSettings.TLS_CLIENT_CERT_PATH + ")";
      }
    }
    String hint = connection.tlsEnabled() ? "" : "; if it requires TLS, set " + ConnectionSettings.TLS + "=true";
    return "cannot reach Temporal at " + address + " (" + ConnectionSettings.ADDRESS + " or --address): "
        + detail + hint;
  }

  /**
   * Fails with a one-line {@link TemporalUnreachableException} when the namespace does not exist
   * or may not be used; the embedded service accepts any namespace.
   */
  static void checkNamespace(WorkflowServiceStubs stubs, ConnectionSettings connection, Duration timeout) {
    try {
      stubs
          .blockingStub()
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(connection.namespace()).build());
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.NOT_FOUND || code == Status.Code.INVALID_ARGUMENT) {
        throw new TemporalUnreachableException(
            connection.address(),
            "namespace '" + connection.namespace() + "' does not exist at " + connection.address() + " ("
                + ConnectionSettings.NAMESPACE + " or --namespace)",
            e);
      }
      if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED) {
        throw new TemporalUnreachableException(
            connection.address(),
            "not allowed to use namespace '" + connection.namespace() + "' at " + connection.address() + ": "
                + firstLine(String.valueOf(e.getStatus().getDescription())) + " (check "
                + ConnectionSettings.NAMESPACE + ", " + ConnectionSettings.API_KEY + " or the client certificate)",
            e);
      }
      if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
        throw new TemporalUnreachableException(connection.address(), explain(connection, e), e);
      }
      log.debug("DescribeNamespace answered {}; not checking the namespace", code);
    }
  }

  private static boolean looksLikeTls(String detail) {
    String d = detail.toLowerCase(java.util.Locale.ROOT);
    return d.contains("ssl") || d.contains("tls") || d.contains("handshake") || d.contains("certificate");
  }

  private static String detail(Throwable e) {
    String best = e.getMessage();
    for (Throwable c : Causes.chain(e)) {
      if (c.getMessage() != null) {
        best = c.getMessage();
      }
    }
    return firstLine(String.valueOf(best));
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
