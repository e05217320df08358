package dev.ballast.api.model;

/** Asks to delete a job's staging area under its output directory (after cancellation). */
public record DiscardRequest(String jobId, String outputDir) {}
