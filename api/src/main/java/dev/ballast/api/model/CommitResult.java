package dev.ballast.api.model;

import java.util.List;

/**
 * What the commit stage published.
 *
 * @param outputDir the output directory
 * @param files the published files, the manifest last
 * @param backupDir where the result it replaced was moved, or null if there was none
 * @param finishedAt when the result was published, as recorded in the manifest (ISO-8601)
 */
public record CommitResult(String outputDir, List<OutputFile> files, String backupDir, String finishedAt) {}
