package dev.ballast.starter;

import dev.ballast.api.model.JobProgress;
import dev.ballast.api.model.JobResult;
import dev.ballast.api.model.OutputFile;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Follows a job until it ends: a progress bar about every second on a terminal (rewritten in
 * place) or a plain progress line every {@link #PLAIN_EVERY} otherwise, then the job's summary or
 * its error.
 */
public final class JobFollower extends Follower<JobResult> {
  /** How often a plain progress line is printed when the output is not a terminal. */
  static final Duration PLAIN_EVERY = Duration.ofSeconds(5);

  private final WorkflowClient client;
  private final boolean terminal;
  private final Instant since;
  private final ProgressLine line;
  private Instant lastPrint = Instant.MIN;

  private JobFollower(
      WorkflowClient client, String id, Instant since, PrintWriter out, PrintWriter err, boolean terminal) {
    super("job", id, out, err);
    this.client = client;
    this.terminal = terminal;
    this.since = since;
    this.line = new ProgressLine(out, terminal);
  }

  /**
   * Follows job {@code id} (its latest run) until it ends.
   *
   * @return the exit code: 0 completed, 1 failed or timed out, 3 cancelled or terminated
   */
  public static int follow(WorkflowClient client, String id, PrintWriter out, PrintWriter err, boolean terminal) {
    return follow(client, id, null, out, err, terminal);
  }

  /**
   * Like {@link #follow(WorkflowClient, String, PrintWriter, PrintWriter, boolean)}, but follows
   * run {@code runId} of the job (null: its latest run), e.g. the run a pipeline stage started.
   */
  public static int follow(
      WorkflowClient client, String id, String runId, PrintWriter out, PrintWriter err, boolean terminal) {
    WorkflowStub stub = client.newUntypedWorkflowStub(id, Optional.ofNullable(runId), Optional.empty());
    Instant since = startTime(stub, id);
    return new JobFollower(client, id, since, out, err, terminal)
        .follow(stub.getResultAsync(JobResult.class), Duration.ofSeconds(1));
  }

  @Override
  void stillRunning() {
    Optional<JobProgress> p = WorkflowQueries.jobProgress(client, id);
    Instant now = Instant.now();
    Duration every = terminal ? Duration.ZERO : PLAIN_EVERY;
    if (p.isPresent() && Duration.between(lastPrint, now).compareTo(every) >= 0) {
      Duration elapsed = Duration.between(since, now);
      line.show(terminal ? ProgressText.bar(p.get(), elapsed, 24) : ProgressText.format(p.get(), elapsed));
      lastPrint = now;
    }
  }

  @Override
  void ended() {
    line.finish();
  }

  @Override
  void completed(JobResult result) {
    printSummary(out, result, Duration.between(since, Instant.now()));
  }

  @Override
  void failed(JobFailures failure) {
    err.println(failure.describe(id));
  }

  /** When the job started (elapsed time and throughput count from there); now if unknown. */
  private static Instant startTime(WorkflowStub stub, String id) {
    try {
      Instant started = stub.describe().getStartTime();
      return started == null ? Instant.now() : started;
    } catch (RuntimeException e) {
      if (Workflows.isNotFound(e)) {
        throw new CliException(ExitCodes.CONFLICT_OR_NOT_FOUND, "job " + id + " not found", e);
      }
      return Instant.now();
    }
  }

  /** {@code job ID completed in 12.3 s}, its counts, chunks and published files. */
  static void printSummary(PrintWriter out, JobResult r, Duration elapsed) {
    out.printf(
        Locale.ROOT, "job %s completed in %.1f s%n", r.jobId(), elapsed.toMillis() / 1000.0);
    if (r.counts() != null) {
      out.printf(
          Locale.ROOT,
          "  rows %,d: accepted %,d, skipped %,d, rejected %,d%n",
          r.counts().rows(),
          r.counts().accepted(),
          r.counts().skipped(),
          r.counts().rejected());
    }
    out.printf(
        Locale.ROOT,
        "  chunks %d (%d retried, %,d bytes redone)%n",
        r.chunks(),
        r.retriedChunks(),
        r.redoneBytes());
    out.printf("  published to %s%n", r.outputDir());
    if (r.files() != null) {
      for (OutputFile f : r.files()) {
        out.printf(
            Locale.ROOT, "    %s  (%,d bytes)%n", Path.of(r.outputDir()).resolve(f.name()), f.bytes());
      }
    }
    if (r.backupDir() != null) {
      out.printf("  previous result moved to %s%n", r.backupDir());
    }
    out.flush();
  }
}
