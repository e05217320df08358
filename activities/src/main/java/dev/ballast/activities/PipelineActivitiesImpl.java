package dev.ballast.activities;

import dev.ballast.api.ErrorType;
import dev.ballast.api.activity.PipelineActivities;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.PublishedQuery;
import dev.ballast.engine.Failures;
import dev.ballast.engine.files.Fingerprints;
import dev.ballast.engine.files.Manifest;
import dev.ballast.engine.files.ManifestVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a stage's published result back from its manifest, for pipelines that resume. */
public class PipelineActivitiesImpl implements PipelineActivities {
  private static final Logger log = LoggerFactory.getLogger(PipelineActivitiesImpl.class);

  @Override
  public JobResult published(PublishedQuery query) {
    Path dir = Path.of(query.outputDir());
    Path file = dir.resolve(Manifest.FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      Manifest manifest = Manifest.read(file);
      if (!query.jobId().equals(manifest.jobId())) {
        log.info("{} holds the result of job {}, not of stage job {}", dir, manifest.jobId(), query.jobId());
        return null;
      }
      List<String> problems = ManifestVerifier.verify(dir);
      if (!problems.isEmpty()) {
        log.warn("the published result of {} in {} does not verify, running the stage again: {}",
            query.jobId(), dir, problems);
        return null;
      }
      List<dev.ballast.api.model.OutputFile> files = new ArrayList<>(manifest.outputFiles());
      files.add(new dev.ballast.api.model.OutputFile(Manifest.FILE_NAME, Files.size(file), Fingerprints.sha256(file)));
      return new JobResult(
          query.jobId(), dir.toString(), manifest.counts().toCounts(), files, null,
          String.valueOf(manifest.startedAt()), String.valueOf(manifest.finishedAt()), 0, 0, 0, List.of());
    } catch (IOException e) {
      throw Failures.of(ErrorType.IO, "cannot read " + file + ": " + e, e);
    }
  }
}
