package dev.ballast.job;

import java.util.Objects;

/**
 * What a {@link RecordProcessor} decided about one record: accepted (it added the record to the
 * chunk's accumulator), rejected with a reason (the engine writes it to {@code rejects.jsonl} with
 * its file, line and raw text), or skipped (counted as {@code skipped} and otherwise ignored).
 */
public final class Outcome {
  /** The kinds of outcome, counted as {@code accepted}, {@code rejected} and {@code skipped}. */
  public enum Kind {
    ACCEPT,
    REJECT,
    SKIP
  }

  private static final Outcome ACCEPTED = new Outcome(Kind.ACCEPT, null);
  private static final Outcome SKIPPED = new Outcome(Kind.SKIP, null);

  private final Kind kind;
  private final String reason;

  private Outcome(Kind kind, String reason) {
    this.kind = kind;
    this.reason = reason;
  }

  public static Outcome accept() {
    return ACCEPTED;
  }

  public static Outcome skip() {
    return SKIPPED;
  }

  /** A rejection; {@code reason} is a short code such as {@code BAD_AMOUNT}. */
  public static Outcome reject(String reason) {
    return new Outcome(Kind.REJECT, Objects.requireNonNull(reason, "reason"));
  }

  public Kind kind() {
    return kind;
  }

  /** The reject reason, or null when the record was not rejected. */
  public String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return reason == null ? kind.name() : kind + "(" + reason + ")";
  }
}
