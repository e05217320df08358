package dev.ballast.jobs.load;

import dev.ballast.job.JobFailure;
import java.sql.SQLException;

/**
 * The failure types of the {@code load} job, classified by SQLState. Their {@code name()} is the
 * Temporal failure type, so a spec's retry policy can name them.
 */
public enum LoadErrors {
  /** The server cannot be reached or is shutting down (08xxx, 57P0x, 53xxx), is a read-only
   * standby (25006: a failover demoted it, or the URL names a standby), or a transaction lost a
   * serialization conflict or a deadlock (40001, 40P01): retried. */
  DB_TRANSIENT(true),
  /** A row breaks a constraint of the table (23xxx): never retried. */
  DB_CONSTRAINT(false),
  /** The table or a column is missing, or the key is not unique in the table (42xxx): never retried. */
  DB_SCHEMA(false),
  /** A value does not fit its column's type (22xxx): never retried. */
  DB_DATA(false),
  /** The server refused the credentials (28xxx): never retried. */
  DB_AUTH(false);

  private final boolean retryable;

  LoadErrors(boolean retryable) {
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }

  /**
   * The class of {@code e}, from its SQLState (or its cause's, or its next exception's); a missing
   * or unknown state counts as transient, so that it is retried within the retry policy's limits.
   */
  public static LoadErrors classify(SQLException e) {
    String state = sqlState(e);
    if (state == null || state.length() < 2) {
      return DB_TRANSIENT;
    }
    if (state.equals("40001") || state.equals("40P01") || state.equals("25006") || state.startsWith("08")
        || state.startsWith("57P") || state.startsWith("53")) {
      return DB_TRANSIENT;
    }
    return switch (state.substring(0, 2)) {
      case "23" -> DB_CONSTRAINT;
      case "42" -> DB_SCHEMA;
      case "22" -> DB_DATA;
      case "28" -> DB_AUTH;
      default -> DB_TRANSIENT;
    };
  }

  /**
   * Whether {@code e} says the server is gone or no longer takes writes: the connection failed or
   * was closed (08xxx), the server shut down, crashed or is still starting (57P01, 57P02, 57P03),
   * or it is a read-only standby (25006). These are what a primary's failover looks like.
   */
  public static boolean serverLost(SQLException e) {
    String state = sqlState(e);
    return state != null
        && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
            || state.equals("25006"));
  }

  /**
   * The retryable failure of a chunk that lost its server: names the host it lost, and the host a
   * new connection reached ({@code reconnected}), or why none did ({@code probe}).
   *
   * @param lost the host of the lost connection, or null when unknown
   * @param reconnected the host a new connection reached, or null
   * @param probe why no new connection was made, or null
   */
  public static JobFailure serverLost(
      String table, SQLException e, String lost, String reconnected, SQLException probe) {
    String state = sqlState(e);
    String what = "25006".equals(state)
        ? (lost == null ? "the server" : lost) + " is a read-only standby"
        : "primary " + (lost == null ? "connection" : lost) + " lost";
    String then = reconnected != null
        ? "reconnected to host " + reconnected + "; the chunk retries there"
        : "no primary reachable yet (SQLState " + (probe == null ? null : sqlState(probe)) + ": "
            + (probe == null ? "?" : firstLine(probe)) + "); the chunk retries";
    return JobFailure.retryable(
        DB_TRANSIENT.name(),
        what + " while loading " + table + " (SQLState " + state + ": " + firstLine(e) + "); " + then,
        null);
  }

  private static String sqlState(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null) {
        return s.getSQLState();
      }
      if (t instanceof SQLException s && s.getNextException() != null
          && s.getNextException().getSQLState() != null) {
        return s.getNextException().getSQLState();
      }
    }
    return null;
  }

  /** The failure for {@code e}, typed by its kind, with a message that says what to fix. */
  public static JobFailure failure(String table, SQLException e) {
    LoadErrors kind = classify(e);
    String state = sqlState(e);
    String detail = firstLine(e);
    String message = switch (kind) {
      case DB_TRANSIENT -> "database unavailable or transaction conflict while loading " + table
          + " (SQLState " + state + "), will retry: " + detail;
      case DB_CONSTRAINT -> "a row breaks a constraint of table " + table + " (SQLState " + state + "): " + detail;
      case DB_SCHEMA -> "42P01".equals(state)
          ? "table " + table + " does not exist; create it before loading (" + detail + ")"
          : "42P10".equals(state)
              ? "the key is not a primary key or unique constraint of table " + table + " (" + detail + ")"
              : "schema problem with table " + table + " (SQLState " + state + "): " + detail;
      case DB_DATA -> "a value does not fit its column in table " + table + " (SQLState " + state + "): " + detail;
      case DB_AUTH -> "the database refused the credentials (SQLState " + state + "): " + detail;
    };
    // No cause: the message carries the SQLState and the server's words, and the driver's
    // exception class would otherwise be reported as the innermost failure.
    return kind.retryable
        ? JobFailure.retryable(kind.name(), message, null)
        : JobFailure.fatal(kind.name(), message, null);
  }

  private static String firstLine(SQLException e) {
    SQLException shown = e.getNextException() != null ? e.getNextException() : e;
    String m = String.valueOf(shown.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
