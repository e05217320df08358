package dev.ballast.workflows;

import dev.ballast.api.model.ChunkPage;
import dev.ballast.api.model.ChunkPageRequest;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.CommitRequest;
import dev.ballast.api.model.CommitResult;
import dev.ballast.api.model.Counts;
import dev.ballast.api.model.InputFile;
import dev.ballast.api.model.JobSpec;
import dev.ballast.api.model.MergeRequest;
import dev.ballast.api.model.MergeResult;
import dev.ballast.api.model.OutputFile;
import dev.ballast.api.model.PlanRef;
import dev.ballast.api.model.PlanResult;
import dev.ballast.api.model.Tolerance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Specs, plans and results the workflow tests share. */
final class Fixtures {
  static final String STAGING = "/data/out/.ballast/staging/job-1";

  private Fixtures() {}

  static JobSpec spec(String id, Tolerance tolerance, Integer historyEventLimit) {
    return new JobSpec(
        id, "settlement", List.of("/data/in/a.csv"), "/data/out", Map.of(), 1000L, 3, tolerance,
        null, 2, historyEventLimit);
  }

  /**
   * A staged plan of {@code chunks} chunks of 1000 bytes, 10 lines each, over one file: only its
   * reference; {@link #page} answers the plan activity's page reads.
   */
  static PlanResult plan(int chunks) {
    return PlanResult.staged(STAGING, new PlanRef("p" + chunks, chunks, 1, 1000L * chunks));
  }

  /** The same plan as a plan of an earlier version made it: every chunk and input listed. */
  static PlanResult listedPlan(int chunks) {
    List<ChunkRef> refs = new ArrayList<>();
    for (int i = 0; i < chunks; i++) {
      refs.add(chunk(i));
    }
    return new PlanResult(
        STAGING,
        List.of(new InputFile(0, "/data/in/a.csv", "a.csv", 20 + 1000L * chunks, "ab", 0)),
        refs);
  }

  static ChunkRef chunk(int i) {
    return new ChunkRef(i, 0, "/data/in/a.csv", "a.csv", 20 + 1000L * i, 20 + 1000L * (i + 1),
        2 + 10L * i, "0000000" + (i % 10));
  }

  /** A page of the staged plan of {@link #plan}: at most {@code max} chunks, and at most 7. */
  static ChunkPage page(ChunkPageRequest request) {
    List<ChunkRef> refs = new ArrayList<>();
    for (int i = request.from(); i < request.plan().chunks() && refs.size() < Math.min(7, request.max()); i++) {
      refs.add(chunk(i));
    }
    return new ChunkPage(refs);
  }

  /** Counts of chunk {@code index}: 10 rows of which one rejected and index % 3 pending. */
  static Counts chunkCounts(int index) {
    long pending = index % 3;
    return new Counts(10, 9 - pending, pending, 1);
  }

  static Counts total(int chunks) {
    Counts sum = Counts.ZERO;
    for (int i = 0; i < chunks; i++) {
      sum = sum.plus(chunkCounts(i));
    }
    return sum;
  }

  static MergeResult merged(MergeRequest request) {
    return new MergeResult(
        List.of(new OutputFile("settlement.csv", 100, "s1"), new OutputFile("rejects.jsonl", 50, "r1")),
        request.counts());
  }

  static CommitResult committed(CommitRequest request) {
    List<OutputFile> files = new ArrayList<>(request.outputs());
    files.add(new OutputFile("manifest.json", 10, "m1"));
    return new CommitResult(request.outputDir(), files, null, "2026-11-27T10:00:00Z");
  }
}
