package dev.ballast.api.model;

import dev.ballast.job.policy.StagePolicy;
/** The merge stage workflow's input: what to merge, and the policy of its activity. */
public record MergeStageInput(MergeRequest request, StagePolicy policy) {}
