package dev.ballast.api.model;

/** A produced file: its name within the output directory, its size and its SHA-256 (hex). */
public record OutputFile(String name, long bytes, String sha256) {}
