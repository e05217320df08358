package dev.ballast.starter.commands;

import dev.ballast.api.JobSearchAttributes;
import dev.ballast.api.TaskQueues;
import dev.ballast.api.model.DateTemplates;
import dev.ballast.api.model.DrillRequest;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.PipelineSpec;
import dev.ballast.api.workflow.DrillWorkflow;
import dev.ballast.api.workflow.JobWorkflow;
import dev.ballast.api.workflow.PipelineWorkflow;
import dev.ballast.starter.BaseCommand;
import dev.ballast.starter.CliException;
import dev.ballast.starter.ExitCodes;
import dev.ballast.starter.JobConnection;
import dev.ballast.starter.JobFlags;
import dev.ballast.starter.Jobs;
import dev.ballast.starter.Schedules;
import dev.ballast.starter.TemporalOptions;
import dev.ballast.starter.spec.Durations;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleActionResult;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleBackfill;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleListDescription;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.common.SearchAttributes;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ballast schedule}: jobs on a calendar, on Temporal Schedules. */
@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a job, a pipeline or a failover drill on a calendar with a Temporal Schedule: create,"
          + " list, describe, pause, unpause, trigger, backfill, delete.",
      "A scheduled job's inputs, output and parameters may use {date} (the run's nominal date in the"
          + " schedule's zone, yyyy-MM-dd) and {date-N} (N days earlier); each run renders them from"
          + " its own nominal time, so a retried or backfilled run reads the same files. Each run's"
          + " job id is the schedule id and the nominal time, e.g. nightly-2026-12-05T02:00:00Z.",
      "Needs a Temporal server with the Schedules API (e.g. `temporal server start-dev`) and a worker;"
          + " the embedded service has none (exit 2)."
    },
    subcommands = {
      ScheduleCommand.Create.class,
      ScheduleCommand.ListSchedules.class,
      ScheduleCommand.Describe.class,
      ScheduleCommand.Pause.class,
      ScheduleCommand.Unpause.class,
      ScheduleCommand.Trigger.class,
      ScheduleCommand.Backfill.class,
      ScheduleCommand.Delete.class
    })
public class ScheduleCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A schedule subcommand: connects, maps the service's errors, runs. */
  abstract static class ScheduleBase extends BaseCommand {
    @Mixin TemporalOptions temporal;

    /** Runs with a connection and a schedule client. */
    abstract int execute(JobConnection connection, ScheduleClient schedules);

    /** The schedule id this command acts on, for error messages; null for none. */
    String scheduleId() {
      return null;
    }

    @Override
    protected int execute() {
      String name = "schedule " + spec.name();
      JobConnection.requireAddress(temporal.address(env()), name);
      try (JobConnection connection = JobConnection.open(temporal, env(), name)) {
        try {
          return execute(connection, Schedules.client(connection));
        } catch (RuntimeException e) {
          throw Schedules.explain(e, scheduleId());
        }
      }
    }
  }

  /** A subcommand on one schedule. */
  abstract static class OnOne extends ScheduleBase {
    @Parameters(index = "0", paramLabel = "ID", description = "Schedule id.")
    String id;

    @Override
    String scheduleId() {
      return id;
    }
  }

  /** The job flags of {@code schedule create}: the schedule id, then the spec file. */
  public static class ScheduledJobFlags extends JobFlags {
    @Parameters(index = "0", paramLabel = "ID", description = "Schedule id; each run's job id is ID-<nominal time>.")
    String id;

    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "SPEC",
        description = SPEC_HELP + " A pipeline spec (with stages) is scheduled as a pipeline.")
    void specFile(Path file) {
      this.specFile = file;
    }

    boolean hasSpecFile() {
      return specFile != null;
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Creates schedule ID, which starts the job of SPEC and the job flags at every time --cron"
            + " names (in --timezone). Inputs need not exist yet: each run checks its own.",
        "Example: ballast schedule create nightly --cron \"0 2 * * *\" --timezone Europe/Paris"
            + " --type settlement --input \"incoming/{date-1}/*.csv\" --output \"settled/{date-1}\"",
        "A pipeline spec (with stages) schedules the pipeline: {date} in its stages' inputs, outputs"
            + " and parameters is rendered from each run's nominal time, and stage N of a run is job"
            + " ID-<nominal time>.N-TYPE. Job flags do not apply to a pipeline: set them in its stages.",
        "--drill schedules a failover drill instead of a job (see `ballast drill`): its verdict and"
            + " DRILL_FAILED alert happen on the workers, no CLI needed."
      })
  public static class Create extends ScheduleBase {
    @Mixin ScheduledJobFlags job;

    @Option(
        names = "--cron",
        required = true,
        paramLabel = "EXPR",
        description =
            "When to run: a cron expression (minute hour day-of-month month day-of-week, e.g."
                + " \"0 2 * * *\" for 02:00 daily), or Temporal's @daily, @hourly, @every 30m.")
    String cron;

    @Option(
        names = "--timezone",
        paramLabel = "ZONE",
        description = "Time zone of --cron and of {date} (IANA name, default UTC).")
    String timezone = "UTC";

    @Option(
        names = "--overlap",
        paramLabel = "POLICY",
        converter = Schedules.OverlapConverter.class,
        description =
            "What to do when a run is due while the previous one still runs: skip (default: the due"
                + " run is dropped), buffer-one (run it when the previous ends; at most one waits),"
                + " buffer-all, allow-all (run both), cancel-other, terminate-other.")
    ScheduleOverlapPolicy overlap = ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP;

    @Option(
        names = "--catchup-window",
        paramLabel = "DURATION",
        description =
            "How late a run missed while the server was down may still start (e.g. 1h; default"
                + " Temporal's: a year).")
    String catchupWindow;

    @Option(
        names = "--pause-on-failure",
        description = "Pause the schedule when a run fails (or times out); unpause it to go on.")
    boolean pauseOnFailure;

    @Option(
        names = "--jitter",
        paramLabel = "DURATION",
        description =
            "Start each run up to this much later, at random (e.g. 5m), to spread load. The nominal"
                + " time, and so {date}, stays the scheduled one.")
    String jitter;

    @Option(names = "--paused", description = "Create the schedule paused.")
    boolean paused;

    @Option(names = "--note", paramLabel = "TEXT", description = "A note kept with the schedule.")
    String note;

    @Option(
        names = "--drill",
        description =
            "Schedule a failover drill (ballast drill) instead of a job; takes no SPEC nor job flags"
                + " but --alert-webhook.")
    boolean drill;

    @Option(
        names = "--max-failover",
        paramLabel = "DURATION",
        description = "With --drill: the failover objective (default 30s).")
    String maxFailover;

    @Option(
        names = "--drill-timeout",
        paramLabel = "DURATION",
        description = "With --drill: how long each drill may take in all (default 5m).")
    String drillTimeout;

    @Override
    String scheduleId() {
      return job.id;
    }

    /** The action of a scheduled job. */
    private ScheduleActionStartWorkflow jobAction(JobConnection connection, String id, ZoneId zone) {
      JobSpec spec = job.buildScheduled(cwd(), env()).withId(id);
      WorkflowOptions.Builder options =
          WorkflowOptions.newBuilder()
              .setWorkflowId(id)
              .setTaskQueue(TaskQueues.JOBS)
              // No static summary: SDK 1.38's describe then fails to decode the action ("when parsing:"" into String").
              .setMemo(Map.of(DateTemplates.MEMO_SCHEDULE, id, DateTemplates.MEMO_TIMEZONE, zone.getId()));
      if (Jobs.searchAttributesRegistered(connection.client())) {
        options.setTypedSearchAttributes(
            SearchAttributes.newBuilder()
                .set(JobSearchAttributes.JOB_TYPE, spec.type())
                .set(JobSearchAttributes.STAGE, "PLAN")
                .set(JobSearchAttributes.PROGRESS, 0L)
                .build());
      }
      return ScheduleActionStartWorkflow.newBuilder()
          .setWorkflowType(JobWorkflow.class)
          .setArguments(spec)
          .setOptions(options.build())
          .build();
    }

    /** The action of a scheduled drill. */
    private ScheduleActionStartWorkflow drillAction(String id, ZoneId zone) {
      if (job.hasSpecFile()) {
        throw new CliException(ExitCodes.USAGE, "--drill takes no SPEC: a drill runs its own built-in job");
      }
      DrillRequest request =
          DrillCommand.request(
              maxFailover == null ? "30s" : maxFailover,
              drillTimeout == null ? "5m" : drillTimeout,
              job.alertWebhooks(),
              env());
      return ScheduleActionStartWorkflow.newBuilder()
          .setWorkflowType(DrillWorkflow.class)
          .setArguments(request)
          .setOptions(
              WorkflowOptions.newBuilder()
                  .setWorkflowId(id)
                  .setTaskQueue(TaskQueues.JOBS)
                  .setMemo(Map.of(DateTemplates.MEMO_SCHEDULE, id, DateTemplates.MEMO_TIMEZONE, zone.getId()))
                  .build())
          .build();
    }

    /** The action of a scheduled pipeline: each run renders its stages' dates ({@code PipelineWorkflowImpl}). */
    private ScheduleActionStartWorkflow pipelineAction(String id, ZoneId zone) {
      PipelineSpec pipeline = job.pipeline(cwd());
      return ScheduleActionStartWorkflow.newBuilder()
          .setWorkflowType(PipelineWorkflow.class)
          .setArguments(new PipelineSpec(id, pipeline.stages()))
          .setOptions(
              WorkflowOptions.newBuilder()
                  .setWorkflowId(id)
                  .setTaskQueue(TaskQueues.JOBS)
                  .setMemo(Map.of(DateTemplates.MEMO_SCHEDULE, id, DateTemplates.MEMO_TIMEZONE, zone.getId()))
                  .build())
          .build();
    }

    @Override
    int execute(JobConnection connection, ScheduleClient schedules) {
      String id = job.id;
      ZoneId zone;
      try {
        zone = ZoneId.of(timezone);
      } catch (DateTimeException e) {
        throw new CliException(ExitCodes.USAGE, "--timezone: '" + timezone + "' is not a time zone (e.g. UTC, Europe/Paris)");
      }
      if (!drill && (maxFailover != null || drillTimeout != null)) {
        throw new CliException(ExitCodes.USAGE, "--max-failover and --drill-timeout go with --drill");
      }
      ScheduleActionStartWorkflow action =
          drill ? drillAction(id, zone)
              : job.pipelineFile(cwd()) != null ? pipelineAction(id, zone)
              : jobAction(connection, id, zone);
      ScheduleSpec.Builder when =
          ScheduleSpec.newBuilder().setCronExpressions(List.of(cron)).setTimeZoneName(zone.getId());
      if (jitter != null) {
        when.setJitter(duration("--jitter", jitter));
      }
      SchedulePolicy.Builder policy =
          SchedulePolicy.newBuilder().setOverlap(overlap).setPauseOnFailure(pauseOnFailure);
      if (catchupWindow != null) {
        policy.setCatchupWindow(duration("--catchup-window", catchupWindow));
      }
      ScheduleState.Builder state = ScheduleState.newBuilder().setPaused(paused);
      if (note != null) {
        state.setNote(note);
      }
      Schedule schedule =
          Schedule.newBuilder()
              .setAction(action)
              .setSpec(when.build())
              .setPolicy(policy.build())
              .setState(state.build())
              .build();
      ScheduleHandle handle = schedules.createSchedule(id, schedule, ScheduleOptions.newBuilder().setMemo(Map.of(CRON_MEMO, cron)).build());
      out().println(handle.getId());
      out().flush();
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the schedules: id, cron, state, next run.")
  public static class ListSchedules extends ScheduleBase {
    @Override
    int execute(JobConnection connection, ScheduleClient schedules) {
      List<ScheduleListDescription> all = schedules.listSchedules().collect(Collectors.toList());
      out().printf("%-24s %-8s %-20s %s%n", "ID", "STATE", "NEXT RUN", "CRON");
      for (ScheduleListDescription d : all) {
        boolean paused = d.getSchedule().getState().isPaused();
        List<Instant> next = d.getInfo().getNextActionTimes();
        Object memo = d.getMemo(CRON_MEMO, String.class);
        String cron = memo instanceof String c ? c : "";
        out().printf(
            "%-24s %-8s %-20s %s%n",
            d.getScheduleId(),
            paused ? "PAUSED" : "ACTIVE",
            next == null || next.isEmpty() || paused ? "-" : next.get(0).toString(),
            cron);
      }
      out().flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "describe",
      mixinStandardHelpOptions = true,
      description = "Shows a schedule: when it runs, its policies, its state, its recent and running runs (job ids), its next runs.")
  public static class Describe extends OnOne {
    @Override
    int execute(JobConnection connection, ScheduleClient schedules) {
      ScheduleDescription d = schedules.getHandle(id).describe();
      Schedule s = d.getSchedule();
      out().println("schedule " + d.getId());
      out().println("  cron           " + cron(d));
      out().println("  timezone       " + (s.getSpec().getTimeZoneName() == null ? "UTC" : s.getSpec().getTimeZoneName()));
      if (s.getSpec().getJitter() != null && !s.getSpec().getJitter().isZero()) {
        out().println("  jitter         " + Durations.format(s.getSpec().getJitter()));
      }
      SchedulePolicy policy = s.getPolicy();
      if (policy != null) {
        out().println("  overlap        " + Schedules.name(policy.getOverlap()));
        if (policy.getCatchupWindow() != null) {
          out().println("  catchup window " + Durations.format(policy.getCatchupWindow()));
        }
        out().println("  pause on fail  " + (policy.isPauseOnFailure() ? "yes" : "no"));
      }
      out().println("  state          " + (s.getState().isPaused() ? "PAUSED" : "ACTIVE")
          + (s.getState().getNote() == null || s.getState().getNote().isEmpty() ? "" : " (" + s.getState().getNote() + ")"));
      if (s.getAction() instanceof ScheduleActionStartWorkflow a && a.getArguments() != null) {
        if (DRILL_TYPE.equals(a.getWorkflowType())) {
          DrillRequest r = a.getArguments().get(0, DrillRequest.class);
          out().println("  drill          failover objective " + Durations.format(Duration.ofMillis(r.maxFailoverMillis()))
              + ", timeout " + Durations.format(Duration.ofMillis(r.timeoutMillis()))
              + ", " + r.webhooks().size() + " alert webhook(s)");
        } else if (PIPELINE_TYPE.equals(a.getWorkflowType())) {
          PipelineSpec p = a.getArguments().get(0, PipelineSpec.class);
          for (int i = 0; i < p.stages().size(); i++) {
            JobSpec stage = p.stages().get(i);
            out().println("  stage " + (i + 1) + "        " + stage.type() + ": "
                + (stage.inputs() == null || stage.inputs().isEmpty() ? "(stage " + i + "'s output)" : String.join(", ", stage.inputs()))
                + " -> " + stage.output());
          }
        } else {
          JobSpec spec = a.getArguments().get(0, JobSpec.class);
          out().println("  job            " + spec.type() + ": " + String.join(", ", spec.inputs()) + " -> " + spec.output());
        }
      }
      out().printf(
          "  runs           %d started, %d skipped (overlap), %d missed (catch-up window)%n",
          d.getInfo().getNumActions(),
          d.getInfo().getNumActionsSkippedOverlap(),
          d.getInfo().getNumActionsMissedCatchupWindow());
      for (var running : d.getInfo().getRunningActions()) {
        if (running instanceof ScheduleActionExecutionStartWorkflow w) {
          out().println("  running        " + w.getWorkflowId());
        }
      }
      for (ScheduleActionResult r : d.getInfo().getRecentActions()) {
        String job = r.getAction() instanceof ScheduleActionExecutionStartWorkflow w ? w.getWorkflowId() : "?";
        out().println("  recent         " + r.getScheduledAt() + "  " + job);
      }
      List<Instant> next = d.getInfo().getNextActionTimes();
      if (!s.getState().isPaused() && next != null) {
        next.stream().limit(3).forEach(t -> out().println("  next           " + t));
      }
      out().flush();
      return ExitCodes.OK;
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pauses a schedule: no run starts until unpause; running jobs go on.")
  public static class Pause extends OnOne {
    @Option(names = "--note", paramLabel = "TEXT", description = "Why (shown by describe).")
    String note;

    @Override
    int execute(JobConnection connection, ScheduleClient schedules) {
      ScheduleHandle h = schedules.getHandle(id);
      if (note == null) {
        h.pause();
      } else {
        h.pause(note);
      }
      out().println("schedule " + id + " paused");
      out().flush();
      return ExitCodes.OK;
    }
  }

  @Command(name = "unpause", mixinStandardHelpOptions = true, description = "Unpauses a schedule: runs start again at their times (missed ones within the catch-up window).")
  public static class Unpause extends OnOne {
    @Option(names = "--note", paramLabel = "TEXT", description = "Why (shown by describe).")
    String note;

    @Override
    int execute(JobConnection connection, ScheduleClient schedules) {
      ScheduleHandle h = schedules.getHandle(id);
      if (note == null) {
        h.unpause();
      } else {
        h.unpause(note);
      }
      out().println("schedule " + id + " unpaused");
      out().flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "trigger",
      mixinStandardHelpOptions = true,
      description = "Starts a run now (its nominal time, and so {date}, is now), subject to the schedule's overlap policy unless --overlap says otherwise.")
  public static class Trigger extends OnOne {
    @Option(
        names = "--overlap",
        paramLabel = "POLICY",
        converter = Schedules.OverlapConverter.class,
        description = "Overlap policy of this run (default: the schedule's).")
    ScheduleOverlapPolicy overlap;

    @Override
    int execute(JobConnection connection, ScheduleClient schedules) {
      ScheduleHandle h = schedules.getHandle(id);
      if (overlap == null) {
        h.trigger();
      } else {
        h.trigger(overlap);
      }
      out().println("schedule " + id + " triggered");
      out().flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "backfill",
      mixinStandardHelpOptions = true,
      description = {
        "Runs the schedule for every nominal time from --from 00:00 to the end of --to, in the"
            + " schedule's zone, each run with its own dated inputs and outputs.",
        "Nominal times whose run already completed are left out unless --rerun. The runs wait for"
            + " each other (overlap buffer-all) unless --overlap says otherwise."
      })
  public static class Backfill extends OnOne {
    @Option(names = "--from", required = true, paramLabel = "DATE", description = "First date (yyyy-MM-dd).")
    String from;

    @Option(names = "--to", required = true, paramLabel = "DATE", description = "Last date (yyyy-MM-dd), included.")
    String to;

    @Option(names = "--rerun", description = "Run nominal times whose run already completed again too.")
    boolean rerun;

    @Option(
        names = "--overlap",
        paramLabel = "POLICY",
        converter = Schedules.OverlapConverter.class,
        description = "Overlap policy of the backfilled runs (default buffer-all: one after another).")
    ScheduleOverlapPolicy overlap = ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL;

    @Override
    int execute(JobConnection connection, ScheduleClient schedules) {
      LocalDate first = date("--from", from);
      LocalDate last = date("--to", to);
      if (last.isBefore(first)) {
        throw new CliException(ExitCodes.USAGE, "--to " + to + " is before --from " + from);
      }
      ScheduleHandle h = schedules.getHandle(id);
      ScheduleDescription d = h.describe();
      String zoneName = d.getSchedule().getSpec().getTimeZoneName();
      ZoneId zone = ZoneId.of(zoneName == null || zoneName.isEmpty() ? "UTC" : zoneName);
      Instant start = first.atStartOfDay(zone).toInstant();
      Instant end = last.plusDays(1).atStartOfDay(zone).toInstant().minusMillis(1);
      SortedSet<Instant> done =
          rerun ? new java.util.TreeSet<>() : Schedules.completedRuns(connection, id, start, end);
      for (Instant t : done) {
        out().println("already completed, left out: " + t + " (pass --rerun to run it again)");
      }
      List<ScheduleBackfill> windows = Schedules.windows(start, end, done, overlap);
      if (!windows.isEmpty()) {
        h.backfill(windows);
      }
      out().println(
          "schedule " + id + " backfilled " + first + " to " + last + " (" + zone.getId() + ")"
              + (done.isEmpty() ? "" : ", " + done.size() + " completed run(s) left out"));
      out().flush();
      return ExitCodes.OK;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a schedule; jobs it started go on.")
  public static class Delete extends OnOne {
    @Override
    int execute(JobConnection connection, ScheduleClient schedules) {
      schedules.getHandle(id).delete();
      out().println("schedule " + id + " deleted");
      out().flush();
      return ExitCodes.OK;
    }
  }

  /**
   * Schedule memo key: the cron expression as given (the server keeps a cron schedule as calendar
   * specs, and describes it that way).
   */
  static final String CRON_MEMO = "ballastCron";

  /** Workflow types a schedule may start besides jobs. */
  static final String DRILL_TYPE = "BallastDrill";

  static final String PIPELINE_TYPE = "BallastPipeline";

  static String cron(ScheduleDescription d) {
    Object memo = d.getMemo(CRON_MEMO, String.class);
    if (memo instanceof String c) {
      return c;
    }
    List<String> crons = d.getSchedule().getSpec().getCronExpressions();
    return crons == null || crons.isEmpty()
        ? d.getSchedule().getSpec().getCalendars().size() + " calendar spec(s)"
        : String.join(" | ", crons);
  }

  static Duration duration(String flag, String text) {
    try {
      return Durations.parse(text);
    } catch (RuntimeException e) {
      throw new CliException(ExitCodes.USAGE, flag + ": '" + text + "' is not a duration (e.g. 30s, 5m, 1h)");
    }
  }

  static LocalDate date(String flag, String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new CliException(ExitCodes.USAGE, flag + ": '" + text + "' is not a date (yyyy-MM-dd)");
    }
  }
}
