package dev.ballast.ui;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.protobuf.Timestamp;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A subset of Temporal's visibility query language, evaluated in memory over {@link
 * WorkflowExecutionInfo}s, for services without a visibility store (the embedded test server lists
 * only open and closed executions).
 *
 * <p>Supported: comparisons ({@code = != <> > >= < <=}), {@code BETWEEN x AND y}, {@code [NOT] IN
 * (...)}, {@code STARTS_WITH}, {@code IS [NOT] NULL}, {@code AND}/{@code OR}/{@code NOT} with
 * parentheses, a trailing {@code ORDER BY <attr> [ASC|DESC]} and {@code GROUP BY ExecutionStatus}.
 * Attributes: {@code WorkflowId, RunId, WorkflowType, ExecutionStatus, TaskQueue, StartTime,
 * CloseTime, ExecutionTime, HistoryLength, HistorySizeBytes, ParentWorkflowId, ParentRunId,
 * RootWorkflowId, RootRunId, TemporalNamespaceDivision} and custom keyword/number
 * search attributes stored as JSON payloads. Identifiers may be quoted with backticks; values with
 * single or double quotes. An unsupported query fails with {@link IllegalArgumentException}.
 */
final class VisibilityQuery {

  private final Predicate<WorkflowExecutionInfo> filter;
  private final Comparator<WorkflowExecutionInfo> order;
  private final String groupBy;

  private VisibilityQuery(
      Predicate<WorkflowExecutionInfo> filter, Comparator<WorkflowExecutionInfo> order, String groupBy) {
    this.filter = filter;
    this.order = order;
    this.groupBy = groupBy;
  }

  /** Parses a query; the empty query matches everything, in {@link #order()}. */
  static VisibilityQuery parse(String query) {
    return new Parser(tokenize(query == null ? "" : query)).parseQuery();
  }

  boolean matches(WorkflowExecutionInfo info) {
    return filter.test(info);
  }

  /**
   * Sort order: the ORDER BY clause, else as a real server's visibility store orders: open
   * executions first, then by close time, newest first, then by start time, newest first (then run
   * id, for stability).
   */
  Comparator<WorkflowExecutionInfo> order() {
    return order;
  }

  /** The GROUP BY attribute, if any (only ExecutionStatus is accepted). */
  Optional<String> groupBy() {
    return Optional.ofNullable(groupBy);
  }

  // ---------------------------------------------------------------- values of attributes

  /** The value of an attribute for an execution: a String, Long, Double, Instant or null. */
  static Object attribute(WorkflowExecutionInfo info, String name) {
    return switch (name) {
      case "WorkflowId" -> info.getExecution().getWorkflowId();
      case "RunId" -> info.getExecution().getRunId();
      case "WorkflowType" -> info.getType().getName();
      case "ExecutionStatus" -> statusName(info.getStatus());
      case "TaskQueue" -> info.getTaskQueue();
      case "StartTime" -> info.hasStartTime() ? toInstant(info.getStartTime()) : null;
      case "CloseTime" -> info.hasCloseTime() ? toInstant(info.getCloseTime()) : null;
      case "ExecutionTime" -> info.hasExecutionTime() ? toInstant(info.getExecutionTime()) : null;
      case "HistoryLength" -> info.getHistoryLength();
      case "HistorySizeBytes" -> info.getHistorySizeBytes();
      case "ParentWorkflowId" -> info.hasParentExecution() ? info.getParentExecution().getWorkflowId() : null;
      case "ParentRunId" -> info.hasParentExecution() ? info.getParentExecution().getRunId() : null;
      case "RootWorkflowId" -> info.hasRootExecution() ? info.getRootExecution().getWorkflowId() : null;
      case "RootRunId" -> info.hasRootExecution() ? info.getRootExecution().getRunId() : null;
      case "TemporalNamespaceDivision" -> null;
      default -> customAttribute(info, name);
    };
  }

  /** The visibility name of a status: {@code WORKFLOW_EXECUTION_STATUS_TIMED_OUT} is {@code TimedOut}. */
  static String statusName(WorkflowExecutionStatus status) {
    String suffix = status.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
    StringBuilder name = new StringBuilder();
    for (String word : suffix.split("_")) {
      if (!word.isEmpty()) {
        name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
      }
    }
    return name.toString();
  }

  private static Object customAttribute(WorkflowExecutionInfo info, String name) {
    Payload payload = info.getSearchAttributes().getIndexedFieldsMap().get(name);
    if (payload == null) {
      return null;
    }
    try {
      JsonElement json = JsonParser.parseString(payload.getData().toString(StandardCharsets.UTF_8));
      if (json.isJsonArray() && json.getAsJsonArray().size() > 0) {
        json = json.getAsJsonArray().get(0);
      }
      if (json.isJsonPrimitive()) {
        if (json.getAsJsonPrimitive().isNumber()) {
          return json.getAsDouble();
        }
        if (json.getAsJsonPrimitive().isBoolean()) {
          return String.valueOf(json.getAsBoolean());
        }
        return json.getAsString();
      }
      return null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Instant toInstant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /** Compares an attribute value with a literal from the query, converting the literal as needed. */
  private static int compare(Object actual, String literal) {
    if (actual instanceof Instant instant) {
      return instant.compareTo(parseTime(literal));
    }
    if (actual instanceof Number number) {
      return Double.compare(number.doubleValue(), Double.parseDouble(literal));
    }
    return actual.toString().compareTo(literal);
  }

  private static Instant parseTime(String literal) {
    try {
      return OffsetDateTime.parse(literal).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(literal);
      } catch (DateTimeParseException e2) {
        throw new IllegalArgumentException("not a time: " + literal);
      }
    }
  }

  // ---------------------------------------------------------------- tokens

  private record Token(Kind kind, String text) {
    boolean isWord(String word) {
      return kind == Kind.WORD && text.equalsIgnoreCase(word);
    }

    boolean isSymbol(String symbol) {
      return kind == Kind.SYMBOL && text.equals(symbol);
    }
  }

  private enum Kind {
    WORD,
    IDENT, // backtick-quoted
    STRING,
    SYMBOL,
    END
  }

  private static List<Token> tokenize(String query) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    while (i < query.length()) {
      char c = query.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '\'' || c == '"' || c == '`') {
        StringBuilder text = new StringBuilder();
        int j = i + 1;
        while (j < query.length() && query.charAt(j) != c) {
          if (query.charAt(j) == '\\' && j + 1 < query.length()) {
            j++;
          }
          text.append(query.charAt(j++));
        }
        if (j >= query.length()) {
          throw new IllegalArgumentException("unterminated quote in query: " + query);
        }
        tokens.add(new Token(c == '`' ? Kind.IDENT : Kind.STRING, text.toString()));
        i = j + 1;
      } else if ("()=,".indexOf(c) >= 0) {
        tokens.add(new Token(Kind.SYMBOL, String.valueOf(c)));
        i++;
      } else if (c == '!' || c == '<' || c == '>') {
        String two = i + 1 < query.length() ? query.substring(i, i + 2) : "";
        if (two.equals("!=") || two.equals("<=") || two.equals(">=") || two.equals("<>")) {
          tokens.add(new Token(Kind.SYMBOL, two));
          i += 2;
        } else if (c == '!') {
          throw new IllegalArgumentException("unexpected '!' in query: " + query);
        } else {
          tokens.add(new Token(Kind.SYMBOL, String.valueOf(c)));
          i++;
        }
      } else {
        int j = i;
        while (j < query.length()
            && !Character.isWhitespace(query.charAt(j))
            && "()=,!<>'\"`".indexOf(query.charAt(j)) < 0) {
          j++;
        }
        tokens.add(new Token(Kind.WORD, query.substring(i, j)));
        i = j;
      }
    }
    tokens.add(new Token(Kind.END, ""));
    return tokens;
  }

  // ---------------------------------------------------------------- parser

  private static final class Parser {
    private final List<Token> tokens;
    private int pos;

    Parser(List<Token> tokens) {
      this.tokens = tokens;
    }

    private Token peek() {
      return tokens.get(pos);
    }

    private Token next() {
      return tokens.get(pos++);
    }

    private void expectSymbol(String symbol) {
      Token t = next();
      if (!t.isSymbol(symbol)) {
        throw new IllegalArgumentException("expected '" + symbol + "' but found '" + t.text() + "'");
      }
    }

    VisibilityQuery parseQuery() {
      Predicate<WorkflowExecutionInfo> filter = info -> true;
      if (peek().kind() != Kind.END && !peek().isWord("ORDER") && !peek().isWord("GROUP")) {
        filter = parseOr();
      }
      Comparator<WorkflowExecutionInfo> order = defaultOrder();
      String groupBy = null;
      while (peek().kind() != Kind.END) {
        if (peek().isWord("ORDER")) {
          next();
          if (!next().isWord("BY")) {
            throw new IllegalArgumentException("expected BY after ORDER");
          }
          String attribute = identifier();
          boolean descending = false;
          if (peek().isWord("DESC")) {
            next();
            descending = true;
          } else if (peek().isWord("ASC")) {
            next();
          }
          order = orderBy(attribute, descending);
        } else if (peek().isWord("GROUP")) {
          next();
          if (!next().isWord("BY")) {
            throw new IllegalArgumentException("expected BY after GROUP");
          }
          groupBy = identifier();
          if (!groupBy.equals("ExecutionStatus")) {
            throw new IllegalArgumentException("GROUP BY supports only ExecutionStatus");
          }
        } else {
          throw new IllegalArgumentException("unexpected '" + peek().text() + "' in query");
        }
      }
      return new VisibilityQuery(filter, order, groupBy);
    }

    private Predicate<WorkflowExecutionInfo> parseOr() {
      Predicate<WorkflowExecutionInfo> left = parseAnd();
      while (peek().isWord("OR")) {
        next();
        left = left.or(parseAnd());
      }
      return left;
    }

    private Predicate<WorkflowExecutionInfo> parseAnd() {
      Predicate<WorkflowExecutionInfo> left = parseUnary();
      while (peek().isWord("AND")) {
        next();
        left = left.and(parseUnary());
      }
      return left;
    }

    private Predicate<WorkflowExecutionInfo> parseUnary() {
      if (peek().isWord("NOT")) {
        next();
        return parseUnary().negate();
      }
      if (peek().isSymbol("(")) {
        next();
        Predicate<WorkflowExecutionInfo> inner = parseOr();
        expectSymbol(")");
        return inner;
      }
      return parsePredicate();
    }

    private String identifier() {
      Token t = next();
      if (t.kind() != Kind.WORD && t.kind() != Kind.IDENT) {
        throw new IllegalArgumentException("expected an attribute name but found '" + t.text() + "'");
      }
      return t.text();
    }

    private String value() {
      Token t = next();
      if (t.kind() != Kind.STRING && t.kind() != Kind.WORD) {
        throw new IllegalArgumentException("expected a value but found '" + t.text() + "'");
      }
      return t.text();
    }

    private Predicate<WorkflowExecutionInfo> parsePredicate() {
      String name = identifier();
      Token op = next();
      if (op.kind() == Kind.SYMBOL) {
        String literal = value();
        return switch (op.text()) {
          case "=" -> info -> {
            Object v = attribute(info, name);
            return v != null && compare(v, literal) == 0;
          };
          case "!=", "<>" -> info -> {
            Object v = attribute(info, name);
            return v == null || compare(v, literal) != 0;
          };
          case ">" -> info -> cmp(info, name, literal, c -> c > 0);
          case ">=" -> info -> cmp(info, name, literal, c -> c >= 0);
          case "<" -> info -> cmp(info, name, literal, c -> c < 0);
          case "<=" -> info -> cmp(info, name, literal, c -> c <= 0);
          default -> throw new IllegalArgumentException("unsupported operator " + op.text());
        };
      }
      if (op.isWord("BETWEEN")) {
        String low = value();
        if (!next().isWord("AND")) {
          throw new IllegalArgumentException("expected AND in BETWEEN");
        }
        String high = value();
        return info -> cmp(info, name, low, c -> c >= 0) && cmp(info, name, high, c -> c <= 0);
      }
      if (op.isWord("STARTS_WITH")) {
        String prefix = value();
        return info -> {
          Object v = attribute(info, name);
          return v != null && v.toString().startsWith(prefix);
        };
      }
      if (op.isWord("IS")) {
        boolean negated = false;
        if (peek().isWord("NOT")) {
          next();
          negated = true;
        }
        if (!next().isWord("NULL")) {
          throw new IllegalArgumentException("expected NULL after IS");
        }
        boolean wantNull = !negated;
        return info -> (attribute(info, name) == null) == wantNull;
      }
      boolean negated = false;
      if (op.isWord("NOT")) {
        negated = true;
        op = next();
      }
      if (op.isWord("IN")) {
        expectSymbol("(");
        List<String> options = new ArrayList<>();
        options.add(value());
        while (peek().isSymbol(",")) {
          next();
          options.add(value());
        }
        expectSymbol(")");
        Predicate<WorkflowExecutionInfo> in =
            info -> {
              Object v = attribute(info, name);
              return v != null && options.stream().anyMatch(o -> compare(v, o) == 0);
            };
        return negated ? in.negate() : in;
      }
      throw new IllegalArgumentException("unsupported operator '" + op.text() + "' after " + name);
    }

    private static boolean cmp(
        WorkflowExecutionInfo info, String name, String literal, java.util.function.IntPredicate test) {
      Object v = attribute(info, name);
      return v != null && test.test(compare(v, literal));
    }
  }

  private static Comparator<WorkflowExecutionInfo> defaultOrder() {
    Comparator<WorkflowExecutionInfo> openFirst = Comparator.comparing(info -> info.hasCloseTime());
    Comparator<WorkflowExecutionInfo> closedNewestFirst =
        Comparator.comparing(
            (WorkflowExecutionInfo info) -> info.hasCloseTime() ? toInstant(info.getCloseTime()) : Instant.MAX)
            .reversed();
    Comparator<WorkflowExecutionInfo> startedNewestFirst =
        Comparator.comparing((WorkflowExecutionInfo info) -> toInstant(info.getStartTime())).reversed();
    return openFirst
        .thenComparing(closedNewestFirst)
        .thenComparing(startedNewestFirst)
        .thenComparing(info -> info.getExecution().getRunId());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Comparator<WorkflowExecutionInfo> orderBy(String attribute, boolean descending) {
    Comparator<WorkflowExecutionInfo> byValue =
        Comparator.comparing(
            info -> (Comparable) attribute(info, attribute), Comparator.nullsFirst(Comparator.naturalOrder()));
    if (descending) {
      byValue = byValue.reversed();
    }
    return byValue.thenComparing(info -> info.getExecution().getRunId());
  }
}
