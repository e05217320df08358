package dev.ballast.jobs.load;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * The {@code load} job's parameters.
 *
 * @param table the target table, optionally {@code schema.table}
 * @param key the key columns: a primary key or unique constraint of the table
 * @param columns the columns to load, null for every column of the header
 * @param sumColumn a numeric column whose total {@code load.json} reports, or null
 * @param url the JDBC URL, or null for {@code $BALLAST_LOAD_URL}
 * @param user the database user, or null for {@code $BALLAST_LOAD_USER}
 * @param passwordEnv the environment variable holding the password
 * @param passwordFile a file holding the password, or null
 * @param connectTimeoutSeconds how long to wait for a connection
 */
public record LoadParameters(
    @JsonProperty(required = true)
        @JsonPropertyDescription("target table, optionally schema.table; it must exist")
        String table,
    @JsonProperty(required = true)
        @JsonPropertyDescription("key column(s): a primary key or unique constraint of the table")
        List<String> key,
    @JsonPropertyDescription("columns to load (default: every column of the header)") List<String> columns,
    @JsonPropertyDescription("a numeric column whose total load.json reports") String sumColumn,
    @JsonPropertyDescription(
            "jdbc:postgresql://HOST:PORT/DB, or several hosts HOST1:PORT1,HOST2:PORT2 with"
                + " ?targetServerType=primary to follow a failover (default: $" + Connections.URL_ENV + ")")
        String url,
    @JsonPropertyDescription("database user (default: $" + Connections.USER_ENV + ")") String user,
    @JsonProperty(defaultValue = Connections.PASSWORD_ENV)
        @JsonPropertyDescription("environment variable holding the password")
        String passwordEnv,
    @JsonPropertyDescription("file holding the password (default: $" + Connections.PASSWORD_FILE_ENV + ")")
        String passwordFile,
    @JsonProperty(defaultValue = "10") @JsonPropertyDescription("how long to wait for a connection")
        int connectTimeoutSeconds) {

  public LoadParameters {
    key = key == null ? List.of() : List.copyOf(key);
    if (key.isEmpty()) {
      throw new IllegalArgumentException("load parameter 'key' must name at least one column");
    }
    LoadJobType.identifier(table);
    columns = columns == null ? null : List.copyOf(columns);
    if (passwordEnv == null) {
      passwordEnv = Connections.PASSWORD_ENV;
    }
    if (connectTimeoutSeconds == 0) {
      connectTimeoutSeconds = 10;
    }
  }
}
