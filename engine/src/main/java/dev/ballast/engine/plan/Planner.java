package dev.ballast.engine.plan;

import dev.ballast.api.ErrorType;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.InputFile;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PlanRef;
import dev.ballast.api.model.PlanResult;
import dev.ballast.engine.Failures;
import dev.ballast.engine.JobTypes;
import dev.ballast.engine.stage.RecordChunkRunner;
import dev.ballast.engine.files.InputResolver;
import dev.ballast.engine.files.StagingLayout;
import dev.ballast.engine.params.TypedParameters;
import dev.ballast.job.JobType;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan stage without Temporal: validates a spec, resolves and checks its inputs, creates the
 * staging directory and fingerprints and splits every input into a {@link StagedPlan}, written as
 * it goes; the result only references it. The plan activity wraps it; tests and
 * benchmarks call it directly.
 *
 * <p>Problems surface as {@link ApplicationFailure}s typed by {@link ErrorType}: {@code BAD_SPEC},
 * {@code INPUT_NOT_FOUND}, {@code BAD_HEADER} and {@code OUTPUT_CONFLICT} are final, {@code IO} is
 * retried.
 */
public final class Planner {
  /** Longest header line accepted. */
  public static final int MAX_HEADER_BYTES = 1 << 20;

  private static final Logger log = LoggerFactory.getLogger(Planner.class);

  /** Up to this many input files each get a log line; beyond, only the job's summary. */
  private static final int MANY_FILES = 100;

  private final JobTypes jobTypes;
  private final FileScanner scanner;
  private final int segmentBytes;

  public Planner(JobTypes jobTypes) {
    this(jobTypes, new FileScanner());
  }

  public Planner(JobTypes jobTypes, FileScanner scanner) {
    this(jobTypes, scanner, RecordChunkRunner.DEFAULT_SEGMENT_BYTES);
  }

  /** A planner whose chunks are cut in segments of {@code segmentBytes} (small values are for tests). */
  public Planner(JobTypes jobTypes, FileScanner scanner, int segmentBytes) {
    if (segmentBytes < 1) {
      throw new IllegalArgumentException("segmentBytes must be at least 1");
    }
    this.jobTypes = jobTypes;
    this.scanner = scanner;
    this.segmentBytes = segmentBytes;
  }

  /** Plans {@code spec} without progress reports. */
  public PlanResult plan(JobSpec spec) {
    return plan(spec, bytes -> {});
  }

  /**
   * Plans {@code spec}.
   *
   * @param progress told the total input bytes read so far, after every buffer
   */
  public PlanResult plan(JobSpec rawSpec, LongConsumer progress) {
    return plan(rawSpec, progress, path -> {});
  }

  /**
   * Plans {@code spec}, handing every resolved input file to {@code admit} before it is read (a
   * check that throws refuses the job).
   *
   * @param progress told the total input bytes read so far, after every buffer
   */
  public PlanResult plan(JobSpec rawSpec, LongConsumer progress, Consumer<Path> admit) {
    JobSpec spec = validate(rawSpec);
    Bound<?> job = bind(spec);

    Path output = path("output", spec.output());
    StagingLayout layout = StagingLayout.forJob(output, spec.id());
    List<Path> files =
        new InputResolver(layout.outputDir().resolve(StagingLayout.HIDDEN_DIR)).resolve(spec.inputs());

    if (Files.exists(layout.outputDir()) && !Files.isDirectory(layout.outputDir())) {
      throw Failures.of(
          ErrorType.OUTPUT_CONFLICT,
          "output '" + spec.output() + "' exists and is not a directory");
    }
    for (Path file : files) {
      admit.accept(file);
      job.checkHeader(file);
    }
    try {
      Files.createDirectories(layout.outputDir());
      Files.createDirectories(layout.dir());
      // A stop marker left by a cancelled run of the same job id must not stop this one.
      Files.deleteIfExists(layout.stopMarker());
    } catch (IOException e) {
      throw Failures.of(ErrorType.IO, "cannot create staging directory " + layout.dir() + ": " + e, e);
    }

    long[] readSoFar = {0};
    LongConsumer onRead =
        n -> {
          readSoFar[0] += n;
          progress.accept(readSoFar[0]);
        };
    PlanRef ref;
    try (StagedPlan.Writer plan = new StagedPlan.Writer(layout.dir())) {
      for (int fileIndex = 0; fileIndex < files.size(); fileIndex++) {
        Path file = files.get(fileIndex);
        String name = file.getFileName().toString();
        String path = file.toString();
        FileScanner.Scan scan;
        long lastModified;
        try {
          lastModified = Files.getLastModifiedTime(file).toMillis();
          scan = scanner.scan(file, spec.chunkBytes(), onRead);
          long sizeNow = Files.size(file);
          if (sizeNow != scan.bytes()) {
            throw Failures.of(
                ErrorType.IO,
                "input " + name + " changed while it was planned (" + scan.bytes() + " bytes read, "
                    + sizeNow + " now)");
          }
        } catch (IOException e) {
          throw Failures.of(ErrorType.IO, "cannot read input " + file + ": " + e, e);
        }
        plan.add(new InputFile(fileIndex, path, name, scan.bytes(), scan.sha256(), lastModified));
        for (FileScanner.Chunk c : scan.chunks()) {
          plan.add(
              new ChunkRef(
                  plan.chunkCount(), fileIndex, path, name, c.start(), c.end(), c.firstLine(), c.crc32c(),
                  segmentBytes));
        }
        if (files.size() <= MANY_FILES) {
          log.info(
              "planned input {} ({} bytes, {} lines, {} chunks, sha256 {})",
              file, scan.bytes(), scan.lines(), scan.chunks().size(), scan.sha256());
        }
      }
      ref = plan.finish();
    } catch (IOException e) {
      throw Failures.of(ErrorType.IO, "cannot write the staged plan in " + layout.dir() + ": " + e, e);
    }
    log.info(
        "planned job {}: {} input(s), {} chunk(s), staging in {}, plan {}",
        spec.id(), ref.inputs(), ref.chunks(), layout.dir(), ref.sha256());
    return PlanResult.staged(layout.dir().toString(), ref);
  }

  /** {@code spec} with defaults, or a {@code BAD_SPEC} failure naming the bad field. */
  static JobSpec validate(JobSpec raw) {
    if (raw == null) {
      throw badSpec("the job spec is missing");
    }
    JobSpec spec = raw.withDefaults();
    if (isBlank(spec.id())) {
      throw badSpec("the job spec has no 'id'");
    }
    if (isBlank(spec.type())) {
      throw badSpec("the job spec has no 'type'");
    }
    if (spec.inputs() == null || spec.inputs().isEmpty()) {
      throw badSpec("the job spec has no 'inputs': give at least one file, directory or glob");
    }
    for (String input : spec.inputs()) {
      if (isBlank(input)) {
        throw badSpec("the job spec's 'inputs' hold an empty entry");
      }
    }
    if (isBlank(spec.output())) {
      throw badSpec("the job spec has no 'output' directory");
    }
    if (spec.chunkBytes() < 1) {
      throw badSpec("'chunkBytes' must be at least 1, not " + spec.chunkBytes());
    }
    if (spec.maxInFlight() < 1) {
      throw badSpec("'maxInFlight' must be at least 1, not " + spec.maxInFlight());
    }
    if (spec.keepBackups() < 0) {
      throw badSpec("'keepBackups' must not be negative, not " + spec.keepBackups());
    }
    return spec;
  }

  /** The spec's job type with the spec's parameters bound to it, or BAD_SPEC. */
  private Bound<?> bind(JobSpec spec) {
    JobType<?, ?, ?> jobType;
    try {
      jobType = jobTypes.get(spec.type());
    } catch (IllegalArgumentException e) {
      throw badSpec(e.getMessage());
    }
    try {
      return Bound.of(jobType, spec.parameters());
    } catch (IllegalArgumentException e) {
      throw badSpec("bad 'parameters' for job type " + spec.type() + ": " + e.getMessage());
    }
  }

  /** A job type and its bound parameters, bound once for all the job's inputs. */
  private record Bound<P>(JobType<P, ?, ?> type, P parameters) {
    static <P> Bound<P> of(JobType<P, ?, ?> type, Map<String, Object> given) {
      return new Bound<>(type, TypedParameters.check(type, given));
    }

    /** Reads {@code file}'s header and has the job type check it, or BAD_HEADER. */
    void checkHeader(Path file) {
      String name = file.getFileName().toString();
      String header;
      try {
        header = FileScanner.readHeaderLine(file, MAX_HEADER_BYTES);
      } catch (IllegalArgumentException e) {
        throw Failures.of(ErrorType.BAD_HEADER, "input " + e.getMessage());
      } catch (IOException e) {
        throw Failures.of(ErrorType.IO, "cannot read the header of input " + file + ": " + e, e);
      }
      if (header == null) {
        throw Failures.of(ErrorType.BAD_HEADER, "input " + name + " is empty: expected a header line");
      }
      try {
        type.checkHeader(name, header, parameters);
      } catch (IllegalArgumentException e) {
        throw Failures.of(ErrorType.BAD_HEADER, e.getMessage());
      }
    }
  }

  private static Path path(String field, String value) {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw badSpec("'" + field + "' is not a valid path: " + e.getMessage());
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static ApplicationFailure badSpec(String message) {
    return Failures.of(ErrorType.BAD_SPEC, message);
  }
}
