package dev.ballast.api.model;

import java.util.List;

/** The staged outputs of the merge stage, not yet published, and the counts found in them. */
public record MergeResult(List<OutputFile> outputs, Counts counts) {}
