package dev.ballast.starter;

import dev.ballast.api.model.Alerts;
import dev.ballast.api.model.DateTemplates;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PipelineSpec;
import dev.ballast.starter.spec.InputCheck;
import dev.ballast.starter.spec.PipelineSpecLoader;
import dev.ballast.starter.spec.SpecLoader;
import dev.ballast.starter.spec.SpecValidator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The job flags that override a spec file's fields, shared by {@code run}, {@code start} ({@link
 * JobSpecOptions}: the spec file is their first positional parameter) and {@code schedule create}
 * (the second, after the schedule id).
 */
public class JobFlags {
  /** Text of the SPEC parameter's help. */
  public static final String SPEC_HELP =
      "Job spec file (JSON, the fields of a job spec; see README). Relative paths inside it are"
          + " resolved against its directory. Flags override its fields.";

  /** The spec file, set by a subclass's positional parameter. */
  protected Path specFile;

  @Option(names = "--type", paramLabel = "TYPE", description = "Job type, e.g. settlement.")
  String type;

  @Option(
      names = "--input",
      arity = "1..*",
      paramLabel = "PATH",
      description =
          "Input files, directories (every regular file directly in one, by name) or globs: one or"
              + " more after one --input (as a shell glob such as incoming/*.csv expands), or the flag"
              + " repeated. Replaces the spec file's inputs. Give SPEC before --input.")
  List<String> inputs = new ArrayList<>();

  @Option(
      names = "--output",
      paramLabel = "DIR",
      description = "Output directory: results are published there, work in progress in DIR/.ballast.")
  String output;

  @Option(
      names = "--id",
      paramLabel = "ID",
      description =
          "Job id, also the workflow id (default: the spec's id, else TYPE-yyyyMMdd-HHmmss). A failed"
              + " or cancelled job started again with its id resumes.")
  String id;

  @Option(
      names = "--rerun",
      description = "Allow reusing the id of a job that already completed (runs it again).")
  boolean rerun;

  @Option(
      names = "--chunk-bytes",
      paramLabel = "N",
      converter = ByteSizeConverter.class,
      description =
          "Target chunk size in bytes; suffixes k, m, g (binary) allowed (default "
              + (JobSpec.DEFAULT_CHUNK_BYTES >> 20)
              + "m).")
  Long chunkBytes;

  @Option(
      names = "--max-in-flight",
      paramLabel = "K",
      description =
          "Largest number of chunks processed at once (default "
              + JobSpec.DEFAULT_MAX_IN_FLIGHT
              + ").")
  Integer maxInFlight;

  @Option(
      names = "--alert-webhook",
      paramLabel = "URL",
      description =
          "Webhook told (JSON POST, Slack-compatible) when the job fails; repeat for more. Replaces"
              + " the spec's alerts.webhooks (default: the spec's, else $BALLAST_ALERT_WEBHOOKS,"
              + " comma-separated).")
  List<String> alertWebhooks = new ArrayList<>();

  @Option(names = "--alert-on-success", description = "Tell the alert webhooks when the job completes too.")
  boolean alertOnSuccess;

  @Option(
      names = "--deadline",
      paramLabel = "WHEN",
      description =
          "Alert DEADLINE_MISSED (once; the job goes on) if the job has not completed by then: a"
              + " duration from the run's nominal time (a scheduled run) or its start (4h, 30m), or a"
              + " clock time in the schedule's zone (06:00; UTC outside a schedule). Replaces the"
              + " spec's deadline.")
  String deadline;

  /** Environment variable with default alert webhooks (comma-separated), used when the spec has none. */
  public static final String ENV_ALERT_WEBHOOKS = "BALLAST_ALERT_WEBHOOKS";

  /**
   * The spec these options describe, with an id; its alerts from {@code --alert-webhook}, else the
   * spec file, else {@value #ENV_ALERT_WEBHOOKS}.
   */
  public JobSpec build(Path cwd, Map<String, String> env) {
    return build(cwd, env, false);
  }

  /**
   * As {@link #build(Path, Map)}, and checks the inputs and the output this machine can see ({@link
   * InputCheck}); {@code sameFileSystem} when the worker shares this machine's files (the embedded
   * default), so that every input is checked.
   */
  public JobSpec build(Path cwd, Map<String, String> env, boolean sameFileSystem) {
    JobSpec template = build(cwd);
    if (DateTemplates.uses(template)) {
      throw new CliException(
          ExitCodes.USAGE,
          "{date} placeholders are rendered only in jobs a schedule starts (ballast schedule create);"
              + " give dated paths here");
    }
    return withAlerts(InputCheck.check(template, sameFileSystem), env);
  }

  /**
   * The spec of a scheduled job: as {@link #build(Path, Map)}, but its inputs may not exist yet and
   * may hold {@code {date}} placeholders ({@link DateTemplates}), which each run renders.
   */
  public JobSpec buildScheduled(Path cwd, Map<String, String> env) {
    return withAlerts(build(cwd), env);
  }

  private JobSpec withAlerts(JobSpec spec, Map<String, String> env) {
    List<String> webhooks = new ArrayList<>(alertWebhooks);
    if (webhooks.isEmpty() && (spec.alerts() == null || !spec.alerts().any())) {
      String fromEnv = env.get(ENV_ALERT_WEBHOOKS);
      if (fromEnv != null) {
        for (String w : fromEnv.split(",")) {
          if (!w.isBlank()) {
            webhooks.add(w.trim());
          }
        }
      }
    }
    Boolean onSuccess = alertOnSuccess ? Boolean.TRUE : spec.alerts() == null ? null : spec.alerts().onSuccess();
    if (!webhooks.isEmpty()) {
      spec = spec.withAlerts(new Alerts(webhooks, onSuccess));
    } else if (alertOnSuccess && spec.alerts() != null) {
      spec = spec.withAlerts(new Alerts(spec.alerts().webhooks(), true));
    }
    return SpecLoader.check(spec);
  }

  /** The spec these options describe, with an id. */
  public JobSpec build(Path cwd) {
    if (chunkBytes != null && chunkBytes < 1) {
      throw new CliException(ExitCodes.USAGE, "--chunk-bytes must be at least 1");
    }
    if (maxInFlight != null && maxInFlight < 1) {
      throw new CliException(ExitCodes.USAGE, "--max-in-flight must be at least 1");
    }
    SpecLoader.Overrides flags =
        new SpecLoader.Overrides(id, type, inputs, output, chunkBytes, maxInFlight);
    JobSpec spec = Jobs.withId(SpecLoader.build(specFile == null ? null : cwd.resolve(specFile), flags, cwd));
    if (deadline != null) {
      spec = SpecLoader.check(spec.withDeadline(deadline));
    }
    // Unknown job type or parameters: a usage error before anything is started. The job type's
    // declared stage policies go into the spec here, so that the workflows only read the spec.
    return SpecValidator.discovered().resolve(spec);
  }

  /**
   * The pipeline the spec file describes ({@code {"id", "stages": [...]}}), or null when it is an
   * ordinary job spec. Only {@code --id} applies to a pipeline.
   */
  public PipelineSpec pipeline(Path cwd) {
    if (specFile == null || !PipelineSpecLoader.isPipeline(cwd.resolve(specFile))) {
      return null;
    }
    if (type != null || !inputs.isEmpty() || output != null || chunkBytes != null || maxInFlight != null
        || deadline != null || !alertWebhooks.isEmpty() || alertOnSuccess) {
      throw new CliException(
          ExitCodes.USAGE,
          "a pipeline spec takes no job flags but --id; set them in its stages (alerts: each stage's"
              + " \"alerts\")");
    }
    return PipelineSpecLoader.load(cwd.resolve(specFile), id, SpecValidator.discovered());
  }

  /** The spec file when it describes a pipeline (has {@code stages}), else null. */
  public Path pipelineFile(Path cwd) {
    return specFile != null && PipelineSpecLoader.isPipeline(cwd.resolve(specFile)) ? cwd.resolve(specFile) : null;
  }

  /** The {@code --alert-webhook} URLs given. */
  public List<String> alertWebhooks() {
    return List.copyOf(alertWebhooks);
  }

  public boolean rerun() {
    return rerun;
  }

  /** Parses {@code 262144}, {@code 256k}, {@code 4m}, {@code 4MiB}, {@code 1g}. */
  public static class ByteSizeConverter implements ITypeConverter<Long> {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|k|kb|kib|m|mb|mib|g|gb|gib)");

    @Override
    public Long convert(String value) {
      Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw new TypeConversionException("'" + value + "' is not a size (e.g. 262144, 256k, 4m)");
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2).isEmpty() ? ' ' : m.group(2).charAt(0)) {
        case 'k' -> n << 10;
        case 'm' -> n << 20;
        case 'g' -> n << 30;
        default -> n;
      };
    }
  }
}
