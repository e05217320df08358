package dev.ballast.api.model;

import com.fasterxml.jackson.annotation.JsonAlias;

/**
 * Row counts. {@code rows} counts every non-blank data row, so {@code rows = accepted + skipped +
 * rejected}. A skipped row is one its job's processor skipped ({@code Outcome.skip()}): counted
 * here and otherwise ignored.
 *
 * <p>Earlier versions called {@code skipped} {@code pending}: payloads in the histories of jobs
 * they started, and staged summaries and manifests they wrote, are still read ({@link JsonAlias}).
 */
public record Counts(long rows, long accepted, @JsonAlias("pending") long skipped, long rejected) {
  public static final Counts ZERO = new Counts(0, 0, 0, 0);

  public Counts plus(Counts other) {
    return new Counts(
        rows + other.rows,
        accepted + other.accepted,
        skipped + other.skipped,
        rejected + other.rejected);
  }
}
