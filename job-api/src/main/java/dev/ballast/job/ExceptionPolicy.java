package dev.ballast.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an exception thrown by a job type's code does, declared as data in the spirit of Spring
 * Batch's skip and retry policies. A rule names an exception class and applies to it and its
 * subclasses; when several rules match, the one for the nearest superclass wins.
 *
 * <ul>
 *   <li>{@link #reject}: an exception thrown by the processor for one record rejects that record
 *       with a reason (written to {@code rejects.jsonl}); the job goes on.
 *   <li>{@link #fail}: the job fails at once with the given failure type; retrying cannot help.
 *   <li>{@link #retry}: the chunk (or merge) is retried by the stage's retry policy.
 * </ul>
 *
 * <p>A {@link JobFailure} carries its own type and says itself whether it is retried. An exception
 * no rule names is a bug in the job type: it fails the job at once as {@code JOB_TYPE_ERROR},
 * naming the file and line of the record being processed (retrying the same bytes would only
 * repeat it). I/O errors ({@link java.io.IOException}, {@link java.io.UncheckedIOException}) are
 * retried as {@code IO}, whatever the rules say: they are the machine's, not the job type's.
 */
public final class ExceptionPolicy {
  /** What happens on a matching exception. */
  public enum Action {
    REJECT,
    FAIL,
    RETRY
  }

  /**
   * One rule.
   *
   * @param type the exception class (and its subclasses) the rule is for
   * @param action what it does
   * @param code the reject reason ({@link Action#REJECT}) or the failure type
   */
  public record Rule(Class<? extends Throwable> type, Action action, String code) {
    public Rule {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(code, "code");
    }
  }

  private static final ExceptionPolicy NONE = new ExceptionPolicy(List.of());

  private final List<Rule> rules;

  private ExceptionPolicy(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** No rules: every exception other than a {@link JobFailure} or an I/O error fails the job. */
  public static ExceptionPolicy none() {
    return NONE;
  }

  /** This policy, plus: {@code type} thrown for a record rejects the record with {@code reason}. */
  public ExceptionPolicy reject(Class<? extends Exception> type, String reason) {
    return with(new Rule(type, Action.REJECT, reason));
  }

  /** This policy, plus: {@code type} fails the job at once as {@code failureType}. */
  public ExceptionPolicy fail(Class<? extends Throwable> type, String failureType) {
    return with(new Rule(type, Action.FAIL, failureType));
  }

  /** This policy, plus: {@code type} is retried by the stage's retry policy, as {@code failureType}. */
  public ExceptionPolicy retry(Class<? extends Throwable> type, String failureType) {
    return with(new Rule(type, Action.RETRY, failureType));
  }

  private ExceptionPolicy with(Rule rule) {
    List<Rule> more = new ArrayList<>(rules);
    more.removeIf(r -> r.type().equals(rule.type()));
    more.add(rule);
    return new ExceptionPolicy(more);
  }

  /** The rules, in the order they were declared. */
  public List<Rule> rules() {
    return rules;
  }

  /** The rule for {@code e}: the one whose class is nearest above {@code e}'s, or null. */
  public Rule ruleFor(Throwable e) {
    for (Class<?> c = e.getClass(); c != null; c = c.getSuperclass()) {
      for (Rule r : rules) {
        if (r.type() == c) {
          return r;
        }
      }
    }
    return null;
  }
}
