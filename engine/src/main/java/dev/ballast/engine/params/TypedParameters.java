package dev.ballast.engine.params;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ballast.job.JobType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A job type's typed parameters ({@link JobType#parameters()}): the schema read from the record's
 * components and Jackson annotations, and the binding of a spec's {@code parameters} to it.
 */
public final class TypedParameters {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();
  private static final Map<Class<?>, List<Parameter>> SCHEMAS = new ConcurrentHashMap<>();

  private TypedParameters() {}

  /** The parameters of {@code type}, as {@code ballast jobs} lists them. */
  public static List<Parameter> schema(JobType<?, ?, ?> type) {
    return SCHEMAS.computeIfAbsent(type.parameters(), TypedParameters::describe);
  }

  /**
   * The spec's {@code given} parameters completed with their defaults: what the parameters' hash
   * of staged results is computed over.
   *
   * @throws IllegalArgumentException naming an unknown, missing or mistyped parameter
   */
  public static Map<String, Object> resolve(JobType<?, ?, ?> type, Map<String, Object> given) {
    // Bound and written back: the values as the parameters class holds them (a rate given as
    // 1.50 or "1.5" is the same job), keyed as the schema names them.
    Object bound = bind(type, Parameters.check(type.name(), schema(type), given));
    @SuppressWarnings("unchecked")
    Map<String, Object> canonical = JSON.convertValue(bound, java.util.LinkedHashMap.class);
    return canonical;
  }

  /**
   * {@code resolved} (see {@link #resolve}) bound to the type's parameters class.
   *
   * @throws IllegalArgumentException with the constructor's message when it refuses a value
   */
  public static <P> P bind(JobType<P, ?, ?> type, Map<String, Object> resolved) {
    Map<String, Object> values = new java.util.LinkedHashMap<>(resolved);
    for (Parameter p : schema(type)) {
      if (p.type() == Parameter.Type.STRING_LIST && values.get(p.name()) != null) {
        values.put(p.name(), Parameters.stringList(values.get(p.name())));
      }
    }
    try {
      return JSON.convertValue(values, type.parameters());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(why(type, e), e);
    }
  }

  /** One line saying which parameter is wrong and why. */
  private static String why(JobType<?, ?, ?> type, IllegalArgumentException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof IllegalArgumentException && root.getMessage() != null) {
      return root.getMessage(); // the parameters class refused a value, in its own words
    }
    if (e.getCause() instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      String path = m.getPath().stream()
          .map(r -> r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()))
          .collect(java.util.stream.Collectors.joining("."));
      return type.name() + " parameter '" + path + "': " + firstLine(m.getOriginalMessage());
    }
    return type.name() + " parameters: " + firstLine(root.getMessage());
  }

  /** Checks and binds {@code given}, as the plan stage and the starter do before a job starts. */
  public static <P> P check(JobType<P, ?, ?> type, Map<String, Object> given) {
    return bind(type, Parameters.check(type.name(), schema(type), given));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "invalid value";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** The schema of a parameters record. */
  static List<Parameter> describe(Class<?> type) {
    if (!type.isRecord()) {
      throw new IllegalArgumentException(type.getName() + " is not a record: declare a job type's parameters as one");
    }
    List<Parameter> schema = new ArrayList<>();
    for (RecordComponent c : type.getRecordComponents()) {
      JsonProperty property = annotation(type, c, JsonProperty.class);
      JsonPropertyDescription description = annotation(type, c, JsonPropertyDescription.class);
      String name = property != null && !property.value().isEmpty() ? property.value() : c.getName();
      Parameter.Type kind = kind(type, c);
      boolean required = property != null && property.required();
      Object defaultValue =
          property == null || property.defaultValue().isEmpty() ? null : parseDefault(type, name, kind, property.defaultValue());
      schema.add(new Parameter(name, kind, required, defaultValue, description == null ? "" : description.value()));
    }
    return List.copyOf(schema);
  }

  /**
   * An annotation written on a record component: Java puts it on the field, the accessor or the
   * constructor's parameter, as the annotation's targets allow.
   */
  private static <T extends java.lang.annotation.Annotation> T annotation(
      Class<?> owner, RecordComponent c, Class<T> kind) {
    T found = c.getAnnotation(kind);
    if (found == null) {
      found = c.getAccessor().getAnnotation(kind);
    }
    if (found == null) {
      try {
        found = owner.getDeclaredField(c.getName()).getAnnotation(kind);
      } catch (NoSuchFieldException e) {
        throw new IllegalStateException(e);
      }
    }
    return found;
  }

  private static Parameter.Type kind(Class<?> owner, RecordComponent c) {
    Class<?> raw = c.getType();
    if (raw == String.class) {
      return Parameter.Type.STRING;
    }
    if (raw == int.class || raw == long.class || raw == Integer.class || raw == Long.class
        || raw == BigInteger.class) {
      return Parameter.Type.INTEGER;
    }
    if (raw == double.class || raw == Double.class || raw == BigDecimal.class) {
      return Parameter.Type.NUMBER;
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return Parameter.Type.BOOLEAN;
    }
    Type generic = c.getGenericType();
    if (List.class.isAssignableFrom(raw) && generic instanceof ParameterizedType p
        && p.getActualTypeArguments()[0] == String.class) {
      return Parameter.Type.STRING_LIST;
    }
    if (Map.class.isAssignableFrom(raw)) {
      return Parameter.Type.MAP;
    }
    throw new IllegalArgumentException(
        owner.getName() + "." + c.getName() + ": a parameter must be a string, integer, number, boolean,"
            + " List<String> or Map, not " + generic.getTypeName());
  }

  private static Object parseDefault(Class<?> owner, String name, Parameter.Type kind, String text) {
    try {
      return switch (kind) {
        case STRING -> text;
        case INTEGER -> Long.parseLong(text.trim());
        case NUMBER -> new BigDecimal(text.trim());
        case BOOLEAN -> Boolean.parseBoolean(text.trim());
        case STRING_LIST -> Parameters.stringList(text);
        case MAP -> JSON.readValue(text, Map.class);
      };
    } catch (NumberFormatException | JsonProcessingException e) {
      throw new IllegalArgumentException(
          owner.getName() + ": the default of parameter '" + name + "' is not a " + kind.label() + ": " + text, e);
    }
  }
}
