package dev.ballast.starter.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PipelineSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads a pipeline spec: {@code {"id": ..., "stages": [JOB SPEC, ...]}}. Each stage is a job spec
 * (see {@link SpecLoader}) without an id; a stage after the first may leave out {@code inputs}, and
 * then reads what the stage before it published. Relative paths are resolved against the file's
 * directory. Every stage is checked against the registered job types, which also declare its
 * default stage policies ({@link SpecValidator#resolve}).
 */
public final class PipelineSpecLoader {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private PipelineSpecLoader() {}

  /** Whether {@code specFile} is a pipeline spec (a JSON object with {@code stages}). */
  public static boolean isPipeline(Path specFile) {
    try {
      JsonNode root = MAPPER.readTree(Files.readString(specFile));
      return root != null && root.isObject() && root.has("stages");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * The pipeline of {@code specFile}, its id replaced by {@code id} when given.
   *
   * @throws SpecException naming the stage and the problem
   */
  public static PipelineSpec load(Path specFile, String id, SpecValidator validator) {
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readString(specFile));
    } catch (IOException e) {
      throw new SpecException(specFile + ": " + e.getMessage(), e);
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("id") && !name.equals("stages")) {
        throw new SpecException(specFile + ": unknown field '" + name + "' in a pipeline spec (allowed: id, stages)");
      }
    }
    JsonNode stages = root.get("stages");
    if (stages == null || !stages.isArray() || stages.isEmpty()) {
      throw new SpecException(specFile + ": 'stages' must be a non-empty list of job specs");
    }
    Path dir = specFile.toAbsolutePath().getParent();
    List<JobSpec> specs = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      String source = specFile + " stage " + (i + 1);
      JobSpec stage = SpecLoader.parse(stages.get(i).toString(), source);
      if (stage.id() != null) {
        throw new SpecException(source + ": a stage has no 'id' (its job id is PIPELINE.N-TYPE)");
      }
      List<String> inputs = stage.inputs() == null ? null
          : stage.inputs().stream().map(p -> dir.resolve(p).normalize().toString()).toList();
      if (i == 0 && (inputs == null || inputs.isEmpty())) {
        throw new SpecException(source + ": the first stage needs 'inputs'");
      }
      if (stage.type() == null || stage.output() == null) {
        throw new SpecException(source + ": a stage needs 'type' and 'output'");
      }
      JobSpec resolved = new JobSpec(
          null, stage.type(), inputs, dir.resolve(stage.output()).normalize().toString(), stage.parameters(),
          stage.chunkBytes(), stage.maxInFlight(), stage.tolerance(), stage.policies(), stage.keepBackups(),
          stage.historyEventLimit(), stage.alerts(), stage.deadline());
      try {
        // Checked, with its job type's declared stage policies resolved into it.
        specs.add(validator.resolve(resolved));
      } catch (SpecException e) {
        throw new SpecException(source + ": " + e.getMessage(), e);
      }
    }
    String pipelineId = id != null ? id : root.hasNonNull("id") ? root.get("id").asText() : null;
    return new PipelineSpec(pipelineId, List.copyOf(specs));
  }
}
