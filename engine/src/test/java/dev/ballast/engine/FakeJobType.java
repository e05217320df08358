package dev.ballast.engine;

import dev.ballast.job.Accumulator;
import dev.ballast.job.ChunkContext;
import dev.ballast.job.Cursor;
import dev.ballast.job.JobType;
import dev.ballast.job.RecordProcessor;
import dev.ballast.job.RecordSource;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A job type for planning tests: named {@code fake}; needs an {@code amount} column; takes only
 * the parameter {@code mode}, whose value must be {@code ok}. It processes nothing.
 */
public final class FakeJobType implements JobType<FakeJobType.Params, String, FakeJobType.Nothing> {
  public static final String NAME = "fake";

  /** The one parameter. */
  public record Params(String mode) {
    public Params {
      if (mode != null && !mode.equals("ok")) {
        throw new IllegalArgumentException("parameter 'mode' must be 'ok', not '" + mode + "'");
      }
    }
  }

  /** An accumulator that holds nothing. */
  public static final class Nothing implements Accumulator<Nothing> {
    @Override
    public void mergeFrom(Nothing other) {}

    @Override
    public void writeTo(DataOutput out) {}

    @Override
    public void mergeFrom(DataInput in) {}
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<Params> parameters() {
    return Params.class;
  }

  @Override
  public void checkHeader(String fileName, String headerLine, Params parameters) {
    List<String> columns = Arrays.asList(headerLine.split(",", -1));
    if (!columns.contains("amount")) {
      throw new IllegalArgumentException(fileName + " has no 'amount' column (header: " + headerLine + ")");
    }
  }

  @Override
  public RecordSource<String> open(Path file, Cursor from, long end, ChunkContext<Params> chunk) {
    throw new UnsupportedOperationException("the fake job type only plans");
  }

  @Override
  public RecordProcessor<String, Nothing> processor(ChunkContext<Params> chunk) {
    throw new UnsupportedOperationException("the fake job type only plans");
  }

  @Override
  public Nothing newAccumulator(Params parameters) {
    return new Nothing();
  }

  @Override
  public List<String> outputNames() {
    return List.of();
  }

  @Override
  public void writeOutput(String name, Nothing total, Params parameters, OutputStream out) {}
}
