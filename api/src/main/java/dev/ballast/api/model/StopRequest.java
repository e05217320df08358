package dev.ballast.api.model;

/** Asks the chunk activities of a job to stop at their next checkpoint (cancellation). */
public record StopRequest(String jobId, String stagingDir) {}
