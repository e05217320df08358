package dev.ballast.job;

/** The parameters of a job type that takes none: a spec that gives any is refused. */
public record NoParameters() {}
