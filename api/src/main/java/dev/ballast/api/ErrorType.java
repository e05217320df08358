package dev.ballast.api;

/**
 * Failure types raised by Ballast activities and workflows. The {@code name()} is the Temporal
 * {@code ApplicationFailure} type, so a retry policy can name them in its non-retryable list.
 */
public enum ErrorType {
  /** The job spec is invalid (unknown type, missing field, bad value). Never retried. */
  BAD_SPEC(false),
  /** An input file, directory or glob names nothing that exists. Never retried. */
  INPUT_NOT_FOUND(false),
  /** An input file lacks a required column or its header cannot be parsed. Never retried. */
  BAD_HEADER(false),
  /** An input file changed after it was planned (size, time or checksum). Never retried. */
  INPUT_CHANGED(false),
  /** A staged result does not match its recorded checksum. Retried: the chunk is redone. */
  STAGED_RESULT_CORRUPT(true),
  /** The job rejected more rows than its tolerance allows. Never retried. */
  TOLERANCE_EXCEEDED(false),
  /** The output directory holds something Ballast will not overwrite. Never retried. */
  OUTPUT_CONFLICT(false),
  /** A path lies outside the configured data roots. Never retried. */
  PATH_NOT_ALLOWED(false),
  /** The job was cancelled: a chunk stopped at its next checkpoint. Never retried. */
  CANCELLED(false),
  /** A transient I/O problem (disk full, permission, network file system). Retried. */
  IO(true);

  private final boolean retryable;

  ErrorType(boolean retryable) {
    this.retryable = retryable;
  }

  /** Whether an activity failing with this type should be retried by its retry policy. */
  public boolean retryable() {
    return retryable;
  }
}
