package dev.ballast.jobs.load;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.sql.DataSource;
import org.postgresql.core.BaseConnection;
import org.postgresql.util.HostSpec;

/**
 * Connection pools of the {@code load} job, one per (URL, user), shared by its chunks. The
 * password is read from an environment variable or a file and never logged nor put in a failure
 * message; a pool is created lazily and never fails at creation (an unreachable server is a
 * retryable failure of the chunk that needs it).
 */
public final class Connections implements AutoCloseable {
  /** Default environment variable of the JDBC URL. */
  public static final String URL_ENV = "BALLAST_PG_URL";
  /** Default environment variable of the user. */
  public static final String USER_ENV = "BALLAST_PG_USER";
  /** Default environment variable of the password. */
  public static final String PASSWORD_ENV = "BALLAST_PG_PASSWORD";
  /** Environment variable naming a file that holds the password. */
  public static final String PASSWORD_FILE_ENV = "BALLAST_PG_PASSWORD_FILE";

  /** Where to connect; {@link #toString()} leaves the password out. */
  public record Target(String url, String user, String password, int connectTimeoutSeconds) {
    @Override
    public String toString() {
      return user + "@" + url;
    }
  }

  private final Map<String, HikariDataSource> pools = new ConcurrentHashMap<>();
  private final Function<String, String> env;

  public Connections(Function<String, String> env) {
    this.env = env;
  }

  /**
   * The target of a job's parameters: {@code url}, {@code user} (else {@value #URL_ENV}, {@value
   * #USER_ENV}), the password from the file {@code passwordFile} (else the file named by {@value
   * #PASSWORD_FILE_ENV}) or else the variable named by {@code passwordEnv} (default {@value
   * #PASSWORD_ENV}).
   *
   * @throws IllegalArgumentException when the URL is missing or not a PostgreSQL URL, or the
   *     password file cannot be read
   */
  public Target target(LoadParameters parameters) {
    String url = firstNonBlank(parameters.url(), env.apply(URL_ENV));
    if (url == null) {
      throw new IllegalArgumentException(
          "load: no database URL; give parameter 'url' or set " + URL_ENV + " (jdbc:postgresql://HOST:PORT/DB)");
    }
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("load: 'url' must start with jdbc:postgresql:, not " + url);
    }
    String user = firstNonBlank(parameters.user(), env.apply(USER_ENV));
    String passwordFile = firstNonBlank(parameters.passwordFile(), env.apply(PASSWORD_FILE_ENV));
    String password;
    if (passwordFile != null) {
      try {
        password = Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException("load: cannot read the password file " + passwordFile + ": " + e);
      }
    } else {
      String variable = firstNonBlank(parameters.passwordEnv(), PASSWORD_ENV);
      password = env.apply(variable);
    }
    int timeout = parameters.connectTimeoutSeconds();
    return new Target(url, user, password, Math.max(1, timeout));
  }

  /** The pool of {@code target}, created on first use. */
  public DataSource pool(Target target) {
    return hikari(target);
  }

  /**
   * Closes the pooled connections of {@code target}: idle ones now, those in use when they are
   * returned. After a failover they lead to the old primary, or to a server that is now a
   * read-only standby.
   */
  public void evict(Target target) {
    var bean = hikari(target).getHikariPoolMXBean();
    if (bean != null) {
      bean.softEvictConnections();
    }
  }

  /**
   * The host ({@code HOST:PORT}) a fresh connection of {@code target} reaches now, waiting at most
   * its connect timeout; with a multi-host URL and {@code targetServerType=primary}, the primary.
   *
   * @throws SQLException when no host (of the wanted type) accepts a connection in that time
   */
  public String reachableHost(Target target) throws SQLException {
    try (Connection c = pool(target).getConnection()) {
      String host = host(c);
      return host == null ? "the server" : host;
    }
  }

  /** The {@code HOST:PORT} {@code c} is connected to, or null when the driver does not say. */
  public static String host(Connection c) {
    try {
      HostSpec spec = c.unwrap(BaseConnection.class).getQueryExecutor().getHostSpec();
      return spec.getHost() + ":" + spec.getPort();
    } catch (SQLException | RuntimeException e) {
      return null;
    }
  }

  private HikariDataSource hikari(Target target) {
    String key = target.url() + "\n" + target.user() + "\n" + Integer.toHexString(String.valueOf(target.password()).hashCode());
    return pools.computeIfAbsent(key, k -> {
      HikariConfig config = new HikariConfig();
      config.setPoolName("ballast-load-" + pools.size());
      config.setJdbcUrl(target.url());
      if (target.user() != null) {
        config.setUsername(target.user());
      }
      if (target.password() != null) {
        config.setPassword(target.password());
      }
      config.setMaximumPoolSize(4);
      config.setMinimumIdle(0);
      config.setAutoCommit(false);
      config.setConnectionTimeout(target.connectTimeoutSeconds() * 1000L);
      config.setInitializationFailTimeout(-1);
      // Values are sent untyped so that the server casts the CSV text to each column's type.
      config.addDataSourceProperty("stringtype", "unspecified");
      config.addDataSourceProperty("connectTimeout", target.connectTimeoutSeconds());
      config.addDataSourceProperty("ApplicationName", "ballast-load");
      return new HikariDataSource(config);
    });
  }

  private static String firstNonBlank(String a, String b) {
    if (a != null && !a.isBlank()) {
      return a;
    }
    return b == null || b.isBlank() ? null : b;
  }

  @Override
  public void close() {
    pools.values().forEach(HikariDataSource::close);
    pools.clear();
  }
}
