package dev.ballast.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server of the load tests, from {@code BALLAST_TEST_PG_URL}, {@code
 * BALLAST_TEST_PG_USER} and {@code BALLAST_TEST_PG_PASSWORD} ({@code .ci/run} starts one and sets
 * them). Without a reachable server the tests are skipped with a loud message, except under
 * {@code CI=true}, where they fail.
 */
public final class TestPostgres {
  public final String url;
  public final String user;
  public final String password;

  private TestPostgres(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  /** The server, or an aborted (skipped) test, or a failed one under CI. */
  public static TestPostgres require() {
    String url = System.getenv("BALLAST_TEST_PG_URL");
    String problem = null;
    if (url == null || url.isBlank()) {
      problem = "BALLAST_TEST_PG_URL is not set";
    } else {
      TestPostgres pg = new TestPostgres(url, System.getenv("BALLAST_TEST_PG_USER"), System.getenv("BALLAST_TEST_PG_PASSWORD"));
      try (Connection c = pg.connect()) {
        return pg;
      } catch (SQLException e) {
        problem = "cannot connect to " + url + ": " + e.getMessage();
      }
    }
    String message = "PostgreSQL load tests NOT RUN: " + problem
        + " (run the PostgreSQL lines of .ci/run to start a local server)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message + "; CI must run them");
    }
    System.err.println("\n*** " + message + " ***\n");
    Assumptions.abort(message);
    return null;
  }

  public Connection connect() throws SQLException {
    Properties p = new Properties();
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    return DriverManager.getConnection(url, p);
  }
}
