package dev.ballast.api.model;

/** The commit stage workflow's input: what to publish, and the policy of its activities. */
public record CommitStageInput(CommitRequest request, StagePolicy policy) {}
