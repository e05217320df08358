package dev.ballast.engine.params;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Checks a spec's parameters against a job type's {@link Parameter} schema. */
public final class Parameters {
  private Parameters() {}

  /**
   * The parameters completed with the schema's defaults.
   *
   * @throws IllegalArgumentException naming an unknown, missing or mistyped parameter and listing
   *     the allowed ones
   */
  public static Map<String, Object> check(
      String typeName, List<Parameter> schema, Map<String, Object> given) {
    Map<String, Object> params = given == null ? Map.of() : given;
    Map<String, Parameter> byName = new LinkedHashMap<>();
    for (Parameter p : schema) {
      byName.put(p.name(), p);
    }
    List<String> unknown = new ArrayList<>();
    for (String key : params.keySet()) {
      if (!byName.containsKey(key)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown " + typeName + " parameter" + (unknown.size() > 1 ? "s " : " ")
              + unknown.stream().map(k -> "'" + k + "'").collect(Collectors.joining(", "))
              + " (allowed: " + describe(schema) + ")");
    }
    Map<String, Object> resolved = new LinkedHashMap<>();
    for (Parameter p : schema) {
      Object value = params.get(p.name());
      if (value == null) {
        if (p.required()) {
          throw new IllegalArgumentException(
              typeName + " parameter '" + p.name() + "' is required (" + p.type().label() + ": "
                  + p.description() + "; allowed: " + describe(schema) + ")");
        }
        if (p.defaultValue() != null) {
          resolved.put(p.name(), p.defaultValue());
        }
        continue;
      }
      if (!p.type().accepts(value)) {
        throw new IllegalArgumentException(
            typeName + " parameter '" + p.name() + "' must be a " + p.type().label() + ", not "
                + value);
      }
      resolved.put(p.name(), value);
    }
    return resolved;
  }

  /** The schema in one line: {@code name (type, required), other (type, default 3)}. */
  public static String describe(List<Parameter> schema) {
    if (schema.isEmpty()) {
      return "none";
    }
    return schema.stream()
        .map(p -> p.name() + " (" + p.type().label()
            + (p.required() ? ", required" : p.defaultValue() == null ? "" : ", default " + p.defaultValue())
            + ")")
        .collect(Collectors.joining(", "));
  }

  /** A string-list parameter's value: a JSON array, or a comma-separated string. */
  public static List<String> stringList(Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(String::valueOf).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
    List<String> out = new ArrayList<>();
    for (String part : value.toString().split(",")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return out;
  }
}
