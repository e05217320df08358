package dev.ballast.ui;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code google.api.http} path template such as {@code
 * /api/v1/namespaces/{namespace}/workflows/{execution.workflow_id}/history}.
 *
 * <p>Supported: literal segments, {@code {field.path}} and {@code {field.path=*}} (one segment
 * each). A variable matches one raw path segment, which is then percent-decoded, so a workflow id
 * containing {@code /} arrives as {@code %2F} and stays one value. Multi-segment variables ({@code
 * **}) are not used by the Temporal API and are rejected.
 */
final class PathTemplate {

  private final String template;
  private final List<String> literals = new ArrayList<>(); // null where the segment is a variable
  private final List<String> variables = new ArrayList<>(); // null where the segment is a literal

  private PathTemplate(String template) {
    this.template = template;
  }

  /** Parses a template; throws {@link IllegalArgumentException} for unsupported syntax. */
  static PathTemplate parse(String template) {
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException("path template must start with '/': " + template);
    }
    PathTemplate parsed = new PathTemplate(template);
    for (String segment : splitRaw(template)) {
      if (segment.startsWith("{") && segment.endsWith("}")) {
        String inner = segment.substring(1, segment.length() - 1);
        int eq = inner.indexOf('=');
        if (eq >= 0) {
          if (!inner.substring(eq + 1).equals("*")) {
            throw new IllegalArgumentException("unsupported variable pattern in " + template);
          }
          inner = inner.substring(0, eq);
        }
        if (inner.isEmpty() || !inner.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*")) {
          throw new IllegalArgumentException("bad variable '" + inner + "' in " + template);
        }
        parsed.literals.add(null);
        parsed.variables.add(inner);
      } else if (segment.contains("{") || segment.contains("}") || segment.contains("*")) {
        throw new IllegalArgumentException("unsupported segment '" + segment + "' in " + template);
      } else {
        parsed.literals.add(segment);
        parsed.variables.add(null);
      }
    }
    return parsed;
  }

  /** Splits a raw (still percent-encoded) path into segments; a trailing '/' is ignored. */
  static List<String> splitRaw(String rawPath) {
    List<String> segments = new ArrayList<>();
    String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.isEmpty()) {
      return segments;
    }
    for (String s : path.split("/", -1)) {
      segments.add(s);
    }
    return segments;
  }

  /**
   * Matches raw path segments; returns the decoded variable values by field path, or {@code null}
   * when the path does not match. An empty variable segment does not match.
   */
  Map<String, String> match(List<String> rawSegments) {
    if (rawSegments.size() != literals.size()) {
      return null;
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < literals.size(); i++) {
      String raw = rawSegments.get(i);
      String literal = literals.get(i);
      if (literal != null) {
        if (!literal.equals(raw)) {
          return null;
        }
      } else {
        if (raw.isEmpty()) {
          return null;
        }
        values.put(variables.get(i), decode(raw));
      }
    }
    return values;
  }

  /** Field paths bound by this template, in order. */
  List<String> variableNames() {
    return variables.stream().filter(v -> v != null).toList();
  }

  /**
   * Orders templates so the more specific one is tried first: at the first segment where they
   * differ in kind, a literal beats a variable.
   */
  int specificityCompare(PathTemplate other) {
    int n = Math.min(literals.size(), other.literals.size());
    for (int i = 0; i < n; i++) {
      boolean mine = literals.get(i) != null;
      boolean theirs = other.literals.get(i) != null;
      if (mine != theirs) {
        return mine ? -1 : 1;
      }
    }
    return Integer.compare(other.literals.size(), literals.size());
  }

  static String decode(String raw) {
    // '+' is a literal plus in a path, not a space.
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return template;
  }
}
