package dev.ballast.engine.stage;

import dev.ballast.api.model.ChunkCheckpoint;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.Counts;
import io.temporal.activity.ActivityExecutionContext;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a chunk's run trusts its staged segments on a retry: a heartbeated checkpoint is resumed
 * only when segments {@code 0 .. segments - 1} are still staged, verify, chain from the chunk's
 * start to the checkpoint's offset and line, and add up to its counts.
 */
public final class SegmentChain {
  private static final Logger log = LoggerFactory.getLogger(SegmentChain.class);

  private SegmentChain() {}

  /** What a staged segment records about itself. */
  public interface Staged {
    long start();

    long end();

    long firstLine();

    long nextLine();

    Counts counts();
  }

  /** Reads and verifies staged segment {@code segment} of a chunk; null when missing or corrupt. */
  @FunctionalInterface
  public interface Verifier {
    Staged verify(int segment) throws IOException;
  }

  /** The heartbeated checkpoint when its segments all verify and chain, else the chunk's start. */
  public static ChunkCheckpoint resumePoint(
      ActivityExecutionContext ctx, ChunkRef chunk, Verifier segments) throws IOException {
    ChunkCheckpoint fresh = new ChunkCheckpoint(chunk.start(), chunk.firstLine(), 0, Counts.ZERO);
    ChunkCheckpoint cp = ctx.getHeartbeatDetails(ChunkCheckpoint.class).orElse(null);
    if (cp == null || cp.segments() <= 0) {
      return fresh;
    }
    if (cp.offset() <= chunk.start() || cp.offset() > chunk.end() || cp.counts() == null) {
      log.warn("ignoring checkpoint {} outside chunk {}", cp, chunk.index());
      return fresh;
    }
    long expectStart = chunk.start();
    long expectLine = chunk.firstLine();
    Counts sum = Counts.ZERO;
    for (int s = 0; s < cp.segments(); s++) {
      Staged info = segments.verify(s);
      if (info == null || info.start() != expectStart || info.firstLine() != expectLine) {
        log.warn(
            "chunk {}: staged segment {} is missing or does not verify; restarting the chunk",
            chunk.index(), s);
        return fresh;
      }
      expectStart = info.end();
      expectLine = info.nextLine();
      sum = sum.plus(info.counts());
    }
    if (expectStart != cp.offset() || expectLine != cp.line() || !sum.equals(cp.counts())) {
      log.warn("chunk {}: staged segments do not match checkpoint {}; restarting", chunk.index(), cp);
      return fresh;
    }
    return cp;
  }

  /**
   * Bytes of whole segments an earlier attempt staged from {@code pos} on (segment {@code
   * segment} and later, chained and verified): work this attempt redoes.
   */
  public static long redoneBytes(Verifier segments, int segment, long pos) throws IOException {
    long end = pos;
    for (int s = segment; ; s++) {
      Staged info = segments.verify(s);
      if (info == null || info.start() != end) {
        return end - pos;
      }
      end = info.end();
    }
  }
}
