package dev.ballast.api.model;

/**
 * Asks whether {@code outputDir} holds an intact result published by job {@code jobId}.
 *
 * @param outputDir the stage's output directory
 * @param jobId the stage's job id
 */
public record PublishedQuery(String outputDir, String jobId) {}
