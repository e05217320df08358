package dev.ballast.api.model;

/**
 * One planned input file and its fingerprint.
 *
 * @param index position in the job's input order (0-based)
 * @param path absolute path
 * @param name file name as reported in rejects and the manifest
 * @param bytes size in bytes when planned
 * @param sha256 SHA-256 of the whole file, lower-case hex
 * @param lastModifiedMillis modification time when planned
 */
public record InputFile(
    int index, String path, String name, long bytes, String sha256, long lastModifiedMillis) {}
