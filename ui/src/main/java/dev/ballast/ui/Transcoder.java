package dev.ballast.ui;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.history.v1.History;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generic HTTP/JSON to gRPC transcoding, driven by the {@code google.api.http} rules of the Temporal
 * API descriptors (only the {@code /api/v1/...} bindings, which are what the Web UI calls).
 *
 * <p>Request mapping follows the {@code google.api.http} conventions: path variables set (possibly
 * nested) fields; with {@code body: "*"} the JSON body is the whole request; otherwise query
 * parameters set the remaining fields, by proto name or JSON name, dotted for nested fields,
 * repeated for repeated fields. Values are read as {@link JsonFormat} reads JSON strings (enum names
 * or numbers, base64 bytes, RFC 3339 timestamps). Unknown query parameters are ignored. Responses
 * are printed with {@link JsonFormat} (camelCase, enum names, int64 as strings, base64 bytes).
 *
 * <p>Errors come back as JSON {@code {"code": <grpc code>, "message": ..., "details": []}} with the
 * HTTP status grpc-gateway uses for that gRPC code.
 */
public final class Transcoder {

  private static final Logger log = LoggerFactory.getLogger(Transcoder.class);

  /** The prefix of every path this transcoder serves. */
  public static final String API_PREFIX = "/api/v1/";

  /** One HTTP binding of an RPC. */
  record Route(String httpMethod, PathTemplate path, String body, ServiceCatalog.Rpc rpc) {}

  private final List<Route> routes;
  private final RpcInvoker invoker;
  /** For bodies: a newer UI may send fields this API version does not know. */
  private final JsonFormat.Parser parser = JsonFormat.parser().ignoringUnknownFields();

  /** For path and query values, which only name known fields: bad values must fail. */
  private final JsonFormat.Parser strictParser = JsonFormat.parser();
  private final JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();

  Transcoder(ServiceCatalog catalog, RpcInvoker invoker) {
    this.routes = routesOf(catalog);
    this.invoker = invoker;
  }

  /** The {@code /api/v1} routes of every RPC in the catalog, most specific first. */
  static List<Route> routesOf(ServiceCatalog catalog) {
    List<Route> routes = new ArrayList<>();
    for (ServiceCatalog.Rpc rpc : catalog.rpcs()) {
      HttpRule rule = rpc.proto().getOptions().getExtension(AnnotationsProto.http);
      List<HttpRule> bindings = new ArrayList<>();
      bindings.add(rule);
      bindings.addAll(rule.getAdditionalBindingsList());
      for (HttpRule binding : bindings) {
        String[] verbAndPath = verbAndPath(binding);
        if (verbAndPath == null || !verbAndPath[1].startsWith(API_PREFIX)) {
          continue;
        }
        try {
          routes.add(
              new Route(verbAndPath[0], PathTemplate.parse(verbAndPath[1]), binding.getBody(), rpc));
        } catch (IllegalArgumentException e) {
          log.warn("Skipping HTTP binding of {}: {}", rpc.fullName(), e.getMessage());
        }
      }
    }
    routes.sort((a, b) -> a.path().specificityCompare(b.path()));
    return List.copyOf(routes);
  }

  private static String[] verbAndPath(HttpRule rule) {
    return switch (rule.getPatternCase()) {
      case GET -> new String[] {"GET", rule.getGet()};
      case POST -> new String[] {"POST", rule.getPost()};
      case PUT -> new String[] {"PUT", rule.getPut()};
      case DELETE -> new String[] {"DELETE", rule.getDelete()};
      case PATCH -> new String[] {"PATCH", rule.getPatch()};
      default -> null;
    };
  }

  List<Route> routes() {
    return routes;
  }

  /**
   * Handles one request.
   *
   * @param httpMethod GET, POST, ...
   * @param rawPath the path as received, still percent-encoded, e.g. {@code /api/v1/namespaces/default/workflows/a%2Fb}
   * @param rawQuery the query string as received (may be null)
   * @param body the request body (may be empty)
   */
  public ApiResponse handle(String httpMethod, String rawPath, String rawQuery, byte[] body) {
    List<String> segments = PathTemplate.splitRaw(rawPath);
    Route route = null;
    Map<String, String> pathValues = null;
    boolean pathKnown = false;
    for (Route candidate : routes) {
      Map<String, String> values = candidate.path().match(segments);
      if (values == null) {
        continue;
      }
      pathKnown = true;
      if (candidate.httpMethod().equalsIgnoreCase(httpMethod)) {
        route = candidate;
        pathValues = values;
        break;
      }
    }
    if (route == null) {
      return pathKnown
          ? error(405, Status.Code.UNIMPLEMENTED, "method " + httpMethod + " not allowed for " + rawPath)
          : error(404, Status.Code.NOT_FOUND, "no API route for " + httpMethod + " " + rawPath);
    }
    Message request;
    try {
      request = buildRequest(route, pathValues, rawQuery, body);
    } catch (InvalidProtocolBufferException | JsonParseException | IllegalArgumentException e) {
      return error(400, Status.Code.INVALID_ARGUMENT, "bad request: " + e.getMessage());
    }
    try {
      Message response = invoker.invoke(route.rpc(), request);
      return new ApiResponse(200, print(response));
    } catch (StatusRuntimeException e) {
      Status status = e.getStatus();
      log.debug("{} {} -> {}", httpMethod, rawPath, status);
      return error(httpStatus(status.getCode()), status.getCode(), messageOf(status));
    } catch (InvalidProtocolBufferException e) {
      return error(500, Status.Code.INTERNAL, "cannot print response: " + e.getMessage());
    }
  }

  /**
   * Prints a response as JSON. A history page without events still carries {@code "history":
   * {"events": []}}: the UI reads {@code history.events} of every page, and JsonFormat leaves
   * empty lists out.
   */
  String print(Message response) throws InvalidProtocolBufferException {
    String json = printer.print(response);
    FieldDescriptor historyField = response.getDescriptorForType().findFieldByName("history");
    if (historyField == null
        || historyField.getJavaType() != FieldDescriptor.JavaType.MESSAGE
        || !historyField.getMessageType().getFullName().equals(History.getDescriptor().getFullName())
        || ((History) response.getField(historyField)).getEventsCount() > 0) {
      return json;
    }
    JsonObject object = com.google.gson.JsonParser.parseString(json).getAsJsonObject();
    JsonObject history = new JsonObject();
    history.add("events", new JsonArray());
    object.add(historyField.getJsonName(), history);
    return object.toString();
  }

  /** Builds the request message of {@code route} from the path values, query string and body. */
  Message buildRequest(Route route, Map<String, String> pathValues, String rawQuery, byte[] body)
      throws InvalidProtocolBufferException {
    Message.Builder builder = route.rpc().requestPrototype().newBuilderForType();
    Descriptor type = builder.getDescriptorForType();
    String json = body == null ? "" : new String(body, StandardCharsets.UTF_8).trim();
    String bodyField = route.body();
    if (!bodyField.isEmpty() && !json.isEmpty()) {
      if (bodyField.equals("*")) {
        parser.merge(json, builder);
      } else {
        FieldDescriptor field = type.findFieldByName(bodyField);
        if (field == null) {
          throw new IllegalArgumentException("body field " + bodyField + " not in " + type.getName());
        }
        JsonObject wrapper = new JsonObject();
        wrapper.add(field.getJsonName(), com.google.gson.JsonParser.parseString(json));
        parser.merge(wrapper.toString(), builder);
      }
    }
    if (!bodyField.equals("*") && rawQuery != null && !rawQuery.isEmpty()) {
      JsonObject fromQuery = new JsonObject();
      for (Map.Entry<String, List<String>> param : parseQuery(rawQuery).entrySet()) {
        if (pathValues.containsKey(param.getKey())) {
          continue; // path variables win
        }
        setPath(fromQuery, type, param.getKey(), param.getValue(), true);
      }
      overlay(builder, fromQuery);
    }
    JsonObject fromPath = new JsonObject();
    for (Map.Entry<String, String> value : pathValues.entrySet()) {
      setPath(fromPath, type, value.getKey(), List.of(value.getValue()), false);
    }
    overlay(builder, fromPath);
    return builder.build();
  }

  /**
   * Merges JSON over what the builder holds: nested messages merge, set scalars replace. (JsonFormat
   * itself refuses to merge into a field that is already set.)
   */
  private void overlay(Message.Builder builder, JsonObject json) throws InvalidProtocolBufferException {
    if (json.size() == 0) {
      return;
    }
    Message.Builder layer = builder.getDefaultInstanceForType().newBuilderForType();
    strictParser.merge(json.toString(), layer);
    builder.mergeFrom(layer.build());
  }

  /**
   * Sets the field at a dotted path (proto or JSON names) in a JSON object shaped like {@code type}.
   * Unknown paths are ignored when {@code lenient}, else rejected.
   */
  private static void setPath(
      JsonObject target, Descriptor type, String dottedPath, List<String> values, boolean lenient) {
    String[] parts = dottedPath.split("\\.");
    JsonObject node = target;
    Descriptor nodeType = type;
    for (int i = 0; i < parts.length; i++) {
      FieldDescriptor field = findField(nodeType, parts[i]);
      if (field == null) {
        if (lenient) {
          log.debug("Ignoring unknown parameter {} for {}", dottedPath, type.getName());
          return;
        }
        throw new IllegalArgumentException("no field " + dottedPath + " in " + type.getName());
      }
      String key = field.getJsonName();
      boolean last = i == parts.length - 1;
      if (last) {
        if (field.isRepeated()) {
          JsonArray array = new JsonArray();
          values.forEach(array::add);
          node.add(key, array);
        } else {
          node.add(key, new JsonPrimitive(values.get(values.size() - 1)));
        }
        return;
      }
      if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE || field.isRepeated()) {
        if (lenient) {
          return;
        }
        throw new IllegalArgumentException("cannot descend into " + dottedPath);
      }
      if (!node.has(key) || !node.get(key).isJsonObject()) {
        node.add(key, new JsonObject());
      }
      node = node.getAsJsonObject(key);
      nodeType = field.getMessageType();
    }
  }

  private static FieldDescriptor findField(Descriptor type, String name) {
    FieldDescriptor field = type.findFieldByName(name);
    if (field != null) {
      return field;
    }
    for (FieldDescriptor candidate : type.getFields()) {
      if (candidate.getJsonName().equals(name)) {
        return candidate;
      }
    }
    return null;
  }

  /** Parses {@code a=1&b=x&b=y}; keys and values percent-decoded ('+' is a space). */
  static Map<String, List<String>> parseQuery(String rawQuery) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = queryDecode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : queryDecode(pair.substring(eq + 1));
      params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return params;
  }

  private static String queryDecode(String s) {
    return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /** The HTTP status grpc-gateway answers for a gRPC code. */
  static int httpStatus(Status.Code code) {
    return switch (code) {
      case OK -> 200;
      case CANCELLED -> 499;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case DEADLINE_EXCEEDED -> 504;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case PERMISSION_DENIED -> 403;
      case UNAUTHENTICATED -> 401;
      case RESOURCE_EXHAUSTED -> 429;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
    };
  }

  private static String messageOf(Status status) {
    String description = status.getDescription();
    return description != null && !description.isEmpty()
        ? description
        : status.getCode().name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  /** A JSON error body as grpc-gateway writes it. */
  static ApiResponse error(int httpStatus, Status.Code code, String message) {
    JsonObject body = new JsonObject();
    body.addProperty("code", code.value());
    body.addProperty("message", message);
    body.add("details", new JsonArray());
    return new ApiResponse(httpStatus, body.toString());
  }
}
