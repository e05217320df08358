package dev.ballast.api.model;

import dev.ballast.job.policy.StagePolicy;
/** The commit stage workflow's input: what to publish, and the policy of its activities. */
public record CommitStageInput(CommitRequest request, StagePolicy policy) {}
