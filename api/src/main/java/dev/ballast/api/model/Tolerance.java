package dev.ballast.api.model;

/**
 * How many rejected rows a job tolerates before it fails and publishes nothing. Either limit may
 * be null (no limit); a job exceeding either fails.
 *
 * @param maxRejected largest tolerated number of rejected rows
 * @param maxRejectedPercent largest tolerated share of rejected rows among all rows, in percent
 */
public record Tolerance(Long maxRejected, Double maxRejectedPercent) {

  /** A message explaining why {@code counts} exceeds this tolerance, or null when it does not. */
  public String violation(Counts counts) {
    if (maxRejected != null && counts.rejected() > maxRejected) {
      return String.format(
          "%d rows rejected, more than the %d the job tolerates", counts.rejected(), maxRejected);
    }
    if (maxRejectedPercent != null && counts.rows() > 0) {
      double percent = 100.0 * counts.rejected() / counts.rows();
      if (percent > maxRejectedPercent) {
        return String.format(
            "%.2f%% of rows rejected (%d of %d), more than the %s%% the job tolerates",
            percent, counts.rejected(), counts.rows(), maxRejectedPercent);
      }
    }
    return null;
  }
}
