package dev.ballast.starter;

import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.OutputFile;
import dev.ballast.api.model.PipelineProgress.StageProgress;
import dev.ballast.api.model.PipelineProgress.State;
import dev.ballast.api.model.PipelineProgress;
import dev.ballast.api.model.PipelineResult;
import io.temporal.client.WorkflowClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Follows a pipeline until it ends: each stage's job is followed as {@code ballast watch} follows
 * a job (progress line, then its summary or its error), a skipped stage is named, then the
 * pipeline's outcome is printed.
 */
public final class PipelineFollower extends Follower<PipelineResult> {
  private final WorkflowClient client;
  private final boolean terminal;
  private final Set<String> followed = new HashSet<>();
  private final Set<Integer> announcedSkips = new HashSet<>();

  private PipelineFollower(WorkflowClient client, String id, PrintWriter out, PrintWriter err, boolean terminal) {
    super("pipeline", id, out, err);
    this.client = client;
    this.terminal = terminal;
  }

  /**
   * Follows pipeline {@code id} until it ends.
   *
   * @return the exit code, as for a job: 0 completed, 1 failed or timed out, 3 cancelled or
   *     terminated
   */
  public static int follow(WorkflowClient client, String id, PrintWriter out, PrintWriter err, boolean terminal) {
    Workflows.describe(client, id); // exit 5 when there is no such pipeline
    return new PipelineFollower(client, id, out, err, terminal)
        .follow(client.newUntypedWorkflowStub(id).getResultAsync(PipelineResult.class), Duration.ofMillis(500));
  }

  /** Follows the next stage job this run of the pipeline started, if any; true when it did. */
  @Override
  boolean beforeWait() {
    Optional<PipelineProgress> progress = Optional.empty();
    try {
      progress = WorkflowQueries.pipelineProgress(client, id);
    } catch (RuntimeException e) {
      // the pipeline is finishing or its task is being retried: ask again
    }
    if (progress.isEmpty()) {
      return false;
    }
    PipelineProgress p = progress.get();
    int total = p.stages().size();
    // In order, every stage this run of the pipeline started and that was not followed yet,
    // including one that already ended while the stage before it was being followed.
    for (StageProgress s : p.stages()) {
      if (s.state() == State.SKIPPED_INTACT && announcedSkips.add(s.index())) {
        out.printf("stage %d of %d: %s skipped: its published result is intact%n", s.index() + 1, total, s.jobId());
        out.flush();
      } else if (s.runId() != null && followed.add(s.runId())) {
        out.printf("stage %d of %d: %s (%s)%n", s.index() + 1, total, s.jobId(), s.type());
        out.flush();
        // The stage's own outcome is printed by the job's follower; the pipeline's at its end.
        JobFollower.follow(client, s.jobId(), s.runId(), out, err, terminal);
        return true;
      }
    }
    return false;
  }

  @Override
  void completed(PipelineResult result) {
    printSummary(out, result);
  }

  @Override
  void failed(JobFailures why) {
    err.println(why.describe(id).replaceFirst("^job ", "pipeline "));
    if (why.outcome() == JobFailures.Outcome.FAILED || why.outcome() == JobFailures.Outcome.TIMED_OUT) {
      err.println("fix the cause and run or start the same spec again (same id), or ballast resume " + id
          + ": stages whose result is intact are skipped");
    }
  }

  /** {@code pipeline ID completed} and each stage's counts and published files. */
  static void printSummary(PrintWriter out, PipelineResult done) {
    out.println("pipeline " + done.pipelineId() + " completed");
    for (int i = 0; i < done.stages().size(); i++) {
      JobResult r = done.stages().get(i);
      out.printf(Locale.ROOT, "  %d. %s%s: rows %,d (accepted %,d, skipped %,d, rejected %,d)%n", i + 1, r.jobId(),
          done.skippedStages().contains(i) ? " (skipped: published earlier)" : "",
          r.counts().rows(), r.counts().accepted(), r.counts().skipped(), r.counts().rejected());
      for (OutputFile f : r.files()) {
        out.printf(Locale.ROOT, "       %s/%s  (%,d bytes)%n", r.outputDir(), f.name(), f.bytes());
      }
    }
    out.flush();
  }
}
