package dev.ballast.api.model;

import java.util.List;

/**
 * A multi-stage job: stages run in order, each one a whole job; a stage without inputs reads the
 * files the stage before it published (all but {@code rejects.jsonl} and the manifest).
 *
 * @param id pipeline id, also the pipeline workflow's id; stage {@code n} (1-based) runs as job
 *     {@code id.n-type}
 * @param stages the stages' job specs, each with its own parameters and policies
 */
public record PipelineSpec(String id, List<JobSpec> stages) {}
