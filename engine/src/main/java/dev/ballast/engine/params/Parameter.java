package dev.ballast.engine.params;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One parameter of a job type: what {@code ballast jobs} lists and what a spec's {@code
 * parameters} are checked against before a job starts.
 *
 * @param name the key in the spec's {@code parameters}
 * @param type the JSON type its value must have
 * @param required whether a spec must give it (a required parameter has no default)
 * @param defaultValue the value used when the spec leaves it out (null: none)
 * @param description one line for {@code ballast jobs}
 */
public record Parameter(
    String name, Type type, boolean required, Object defaultValue, String description) {

  /** The JSON types a parameter can have. */
  public enum Type {
    STRING,
    INTEGER,
    NUMBER,
    BOOLEAN,
    /** A JSON array of strings; a comma-separated string is accepted too. */
    STRING_LIST,
    /** A JSON object. */
    MAP;

    /** The lower-case name shown to users. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    /** Whether {@code value} (as parsed from JSON) has this type. */
    public boolean accepts(Object value) {
      return switch (this) {
        case STRING -> value instanceof String;
        case INTEGER -> value instanceof Integer || value instanceof Long
            || value instanceof java.math.BigInteger;
        case NUMBER -> value instanceof Number;
        case BOOLEAN -> value instanceof Boolean;
        case STRING_LIST -> value instanceof String
            || (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance));
        case MAP -> value instanceof Map<?, ?>;
      };
    }
  }

  public Parameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (required && defaultValue != null) {
      throw new IllegalArgumentException("required parameter '" + name + "' cannot have a default");
    }
  }

  /** A required parameter. */
  public static Parameter required(String name, Type type, String description) {
    return new Parameter(name, type, true, null, description);
  }

  /** An optional parameter with a default (null: none). */
  public static Parameter optional(String name, Type type, Object defaultValue, String description) {
    return new Parameter(name, type, false, defaultValue, description);
  }
}
