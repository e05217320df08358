package dev.ballast.worker;

import dev.ballast.worker.codec.AesGcmPayloadCodec;
import dev.ballast.worker.codec.CodecKeys;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * How to reach and authenticate to a Temporal cluster, shared by the worker and the CLI. The
 * environment variables are those of Temporal's own clients (the {@code temporal} CLI and {@code
 * temporal-envconfig}): {@value #ADDRESS}, {@value #NAMESPACE}, {@value #API_KEY}, {@value #TLS},
 * {@value #TLS_CLIENT_CERT_PATH}, {@value #TLS_CLIENT_KEY_PATH}, {@value #TLS_SERVER_CA_CERT_PATH},
 * {@value #TLS_SERVER_NAME} and {@value #TLS_DISABLE_HOST_VERIFICATION}; plus Ballast's payload
 * encryption keys ({@link CodecKeys}).
 *
 * <p>TLS is on when {@value #TLS} is true, or when a certificate path or an API key is set (an API
 * key is never sent in clear), unless {@value #TLS} is false. Without a CA path the system's trusted
 * roots verify the server (Temporal Cloud).
 *
 * @param address frontend {@code HOST:PORT}
 * @param namespace Temporal namespace
 * @param apiKey API key sent as a bearer token, or null
 * @param tls TLS on or off explicitly, or null to decide from the other settings
 * @param clientCertPath PEM client certificate (mutual TLS), or null
 * @param clientKeyPath PEM PKCS#8 key of the client certificate, or null
 * @param serverCaCertPath PEM CA certificate(s) that verify the server, or null for the system's
 * @param serverName name expected in the server certificate when it differs from the address host
 * @param disableHostVerification trust any server certificate (tests only)
 * @param codecKeys payload encryption keys, or null for no encryption
 */
public record ConnectionSettings(
    String address,
    String namespace,
    String apiKey,
    Boolean tls,
    String clientCertPath,
    String clientKeyPath,
    String serverCaCertPath,
    String serverName,
    boolean disableHostVerification,
    CodecKeys codecKeys) {

  public static final String ADDRESS = "TEMPORAL_ADDRESS";
  public static final String NAMESPACE = "TEMPORAL_NAMESPACE";
  public static final String API_KEY = "TEMPORAL_API_KEY";
  public static final String TLS = "TEMPORAL_TLS";
  public static final String TLS_CLIENT_CERT_PATH = "TEMPORAL_TLS_CLIENT_CERT_PATH";
  public static final String TLS_CLIENT_KEY_PATH = "TEMPORAL_TLS_CLIENT_KEY_PATH";
  public static final String TLS_SERVER_CA_CERT_PATH = "TEMPORAL_TLS_SERVER_CA_CERT_PATH";
  public static final String TLS_SERVER_NAME = "TEMPORAL_TLS_SERVER_NAME";
  public static final String TLS_DISABLE_HOST_VERIFICATION = "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION";

  public ConnectionSettings {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(namespace, "namespace");
    if ((clientCertPath == null) != (clientKeyPath == null)) {
      throw new IllegalArgumentException(
          TLS_CLIENT_CERT_PATH + " and " + TLS_CLIENT_KEY_PATH + " must be set together");
    }
  }

  /** A plaintext, unauthenticated, unencrypted connection (the embedded service). */
  public static ConnectionSettings plain(String address, String namespace) {
    return new ConnectionSettings(address, namespace, null, null, null, null, null, null, false, null);
  }

  /** Settings from the process environment. */
  public static ConnectionSettings fromEnv() {
    return fromEnv(System.getenv());
  }

  /**
   * Settings from {@code env}; the address defaults to {@link WorkerSettings#DEFAULT_ADDRESS}, the
   * namespace to {@code default}. Every path given must name a readable file.
   *
   * @throws IllegalArgumentException naming the variable when a value is malformed or a file is
   *     missing
   */
  public static ConnectionSettings fromEnv(Map<String, String> env) {
    String tlsValue = value(env, TLS);
    Boolean tls = null;
    if (tlsValue != null) {
      tls = parseBoolean(TLS, tlsValue);
    }
    String hostVerification = value(env, TLS_DISABLE_HOST_VERIFICATION);
    ConnectionSettings settings =
        new ConnectionSettings(
            Objects.requireNonNullElse(value(env, ADDRESS), WorkerSettings.DEFAULT_ADDRESS),
            Objects.requireNonNullElse(value(env, NAMESPACE), WorkerSettings.DEFAULT_NAMESPACE),
            value(env, API_KEY),
            tls,
            readable(TLS_CLIENT_CERT_PATH, value(env, TLS_CLIENT_CERT_PATH)),
            readable(TLS_CLIENT_KEY_PATH, value(env, TLS_CLIENT_KEY_PATH)),
            readable(TLS_SERVER_CA_CERT_PATH, value(env, TLS_SERVER_CA_CERT_PATH)),
            value(env, TLS_SERVER_NAME),
            hostVerification != null && parseBoolean(TLS_DISABLE_HOST_VERIFICATION, hostVerification),
            CodecKeys.fromEnv(env).orElse(null));
    if (settings.serverCaCertPath != null) {
      checkCertificates(TLS_SERVER_CA_CERT_PATH, settings.serverCaCertPath);
    }
    if (settings.clientCertPath != null) {
      checkCertificates(TLS_CLIENT_CERT_PATH, settings.clientCertPath);
    }
    return settings;
  }

  /** A copy with another address. */
  public ConnectionSettings withAddress(String newAddress) {
    return new ConnectionSettings(
        newAddress, namespace, apiKey, tls, clientCertPath, clientKeyPath, serverCaCertPath,
        serverName, disableHostVerification, codecKeys);
  }

  /** A copy with another namespace. */
  public ConnectionSettings withNamespace(String newNamespace) {
    return new ConnectionSettings(
        address, newNamespace, apiKey, tls, clientCertPath, clientKeyPath, serverCaCertPath,
        serverName, disableHostVerification, codecKeys);
  }

  /** A copy encrypting payloads with {@code keys} (null: no encryption). */
  public ConnectionSettings withCodecKeys(CodecKeys keys) {
    return new ConnectionSettings(
        address, namespace, apiKey, tls, clientCertPath, clientKeyPath, serverCaCertPath,
        serverName, disableHostVerification, keys);
  }

  /** Whether the connection uses TLS. */
  public boolean tlsEnabled() {
    if (tls != null) {
      return tls;
    }
    return apiKey != null || clientCertPath != null || serverCaCertPath != null || serverName != null
        || disableHostVerification;
  }

  /** Whether payloads are encrypted. */
  public Optional<CodecKeys> codec() {
    return Optional.ofNullable(codecKeys);
  }

  /** One line describing the connection, without secrets. */
  public String describe() {
    StringBuilder s = new StringBuilder(address).append(" (namespace ").append(namespace);
    if (tlsEnabled()) {
      s.append(", TLS");
      if (serverCaCertPath != null) {
        s.append(" with CA ").append(serverCaCertPath);
      }
      if (clientCertPath != null) {
        s.append(", client certificate ").append(clientCertPath);
      }
    }
    if (apiKey != null) {
      s.append(", API key");
    }
    if (codecKeys != null) {
      s.append(", payloads encrypted with key ").append(codecKeys.activeId());
    }
    return s.append(')').toString();
  }

  /**
   * The service stubs options of this connection.
   *
   * @throws IllegalArgumentException naming the variable when a certificate or key cannot be used
   */
  public WorkflowServiceStubsOptions toStubsOptions() {
    return toStubsOptionsBuilder().build();
  }

  /**
   * The service stubs options of this connection, as a builder to add more to (a metrics scope).
   *
   * @throws IllegalArgumentException naming the variable when a certificate or key is unusable
   */
  public WorkflowServiceStubsOptions.Builder toStubsOptionsBuilder() {
    WorkflowServiceStubsOptions.Builder builder = WorkflowServiceStubsOptions.newBuilder().setTarget(address);
    if (apiKey != null) {
      String key = apiKey;
      builder.addApiKey(() -> key);
    }
    if (tlsEnabled()) {
      builder.setSslContext(sslContext());
      if (serverName != null) {
        String authority = serverName;
        builder.setChannelInitializer(channel -> channel.overrideAuthority(authority));
      }
    }
    return builder;
  }

  /** The client options of this connection: its namespace and, with keys, payload encryption. */
  public WorkflowClientOptions toClientOptions() {
    WorkflowClientOptions.Builder builder = WorkflowClientOptions.newBuilder().setNamespace(namespace);
    if (codecKeys != null) {
      builder.setDataConverter(AesGcmPayloadCodec.dataConverter(codecKeys));
    }
    return builder.build();
  }

  private SslContext sslContext() {
    SslContextBuilder builder = GrpcSslContexts.forClient();
    if (serverCaCertPath != null) {
      builder.trustManager(new File(serverCaCertPath));
    } else if (disableHostVerification) {
      builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
    }
    if (clientCertPath != null) {
      try {
        builder.keyManager(new File(clientCertPath), new File(clientKeyPath));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            TLS_CLIENT_CERT_PATH + " / " + TLS_CLIENT_KEY_PATH + ": cannot use " + clientCertPath
                + " with " + clientKeyPath + " (a PEM certificate and its PEM PKCS#8 key): " + e.getMessage(),
            e);
      }
    }
    try {
      return builder.build();
    } catch (SSLException | RuntimeException e) {
      String which = clientCertPath != null ? TLS_CLIENT_CERT_PATH + " / " + TLS_CLIENT_KEY_PATH : TLS_SERVER_CA_CERT_PATH;
      throw new IllegalArgumentException("TLS settings (" + which + ") are unusable: " + e.getMessage(), e);
    }
  }

  private static void checkCertificates(String name, String path) {
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new IllegalArgumentException(name + ": " + path + " holds no PEM certificate");
      }
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException(name + ": " + path + " is not a PEM certificate: " + e.getMessage(), e);
    }
  }

  private static String readable(String name, String path) {
    if (path == null) {
      return null;
    }
    Path p = Path.of(path);
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException(name + ": no such file " + path);
    }
    if (!Files.isReadable(p)) {
      throw new IllegalArgumentException(name + ": cannot read " + path);
    }
    return path;
  }

  private static boolean parseBoolean(String name, String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false, not '" + value + "'");
    };
  }

  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  @Override
  public String toString() {
    return "ConnectionSettings[" + describe() + "]";
  }
}
