package dev.ballast.api.model;

import java.util.List;

/** Consecutive chunks of a staged plan, starting at the requested index; never empty. */
public record ChunkPage(List<ChunkRef> chunks) {}
