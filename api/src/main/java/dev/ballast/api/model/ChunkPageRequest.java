package dev.ballast.api.model;

/**
 * Asks for chunks {@code from}, {@code from + 1}, ... of a staged plan; the answer holds at most
 * {@code max} chunks and stays far below Temporal's payload limit whatever the paths.
 *
 * @param stagingDir the job's staging directory
 * @param plan the staged plan, checked against what is read
 * @param from index of the first chunk wanted
 * @param max largest number of chunks wanted
 */
public record ChunkPageRequest(String stagingDir, PlanRef plan, int from, int max) {}
