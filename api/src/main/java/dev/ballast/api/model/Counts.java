package dev.ballast.api.model;

/**
 * Row counts. {@code rows} counts every non-blank data row, so {@code rows = accepted + pending +
 * rejected}.
 */
public record Counts(long rows, long accepted, long pending, long rejected) {
  public static final Counts ZERO = new Counts(0, 0, 0, 0);

  public Counts plus(Counts other) {
    return new Counts(
        rows + other.rows,
        accepted + other.accepted,
        pending + other.pending,
        rejected + other.rejected);
  }
}
