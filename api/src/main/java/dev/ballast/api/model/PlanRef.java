package dev.ballast.api.model;

/**
 * Where a staged plan is and what it holds: the plan activity writes every input file and every
 * chunk to the job's staging area and returns this reference, which is all a workflow carries. Its
 * size does not depend on the number of chunks or input files; activities read the pieces they
 * need from the staging area and check them against {@code sha256}.
 *
 * @param sha256 SHA-256 of the staged plan's index file, lower-case hex
 * @param chunks number of chunks
 * @param inputs number of input files
 * @param bytes input bytes of all chunks
 */
public record PlanRef(String sha256, int chunks, int inputs, long bytes) {}
