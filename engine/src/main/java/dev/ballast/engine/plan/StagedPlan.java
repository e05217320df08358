package dev.ballast.engine.plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.api.ErrorType;
import dev.ballast.api.model.ChunkRef;
import dev.ballast.api.model.InputFile;
import dev.ballast.api.model.PlanRef;
import dev.ballast.api.model.PlanResult;
import dev.ballast.engine.Failures;
import dev.ballast.engine.files.AtomicFiles;
import dev.ballast.engine.files.Fingerprints;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A job's plan kept in its staging area, so that no workflow payload grows with the number of
 * chunks or input files:
 *
 * <pre>
 * STAGING/plan/inputs.jsonl   one InputFile per line, in job order
 * STAGING/plan/chunks.jsonl   one ChunkRef per line, in chunk order
 * STAGING/plan/plan.json      counts, total bytes, and the offset, length and SHA-256 of every
 *                             block of {@value #BLOCK} lines of the two lists (written last)
 * </pre>
 *
 * The workflows carry a {@link PlanRef}: the counts and the SHA-256 of {@code plan.json}. A reader
 * checks {@code plan.json} against it and each block it reads against {@code plan.json}, so a plan
 * rewritten or damaged after the workflow recorded it is refused ({@code STAGED_RESULT_CORRUPT})
 * rather than silently used. Reading chunk {@code i} reads one block; reading every chunk or input
 * streams the file block by block: memory stays bounded by a block, time linear.
 */
public final class StagedPlan {
  /** Lines per block. */
  public static final int BLOCK = 1024;

  /** Directory of the plan inside the staging directory. */
  public static final String DIR = "plan";

  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** A block of lines: where it is in its file and its SHA-256. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Block(long offset, int length, String sha256) {}

  /** The contents of {@code plan.json}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Index(int version, int chunks, int inputs, long bytes, int blockSize, List<Block> chunkBlocks,
      List<Block> inputBlocks) {}

  private final Path dir;
  private final Index index;

  private StagedPlan(Path dir, Index index) {
    this.dir = dir;
    this.index = index;
  }

  static Path dir(Path stagingDir) {
    return stagingDir.resolve(DIR);
  }

  /**
   * Opens the plan staged in {@code stagingDir} and checks it is the one {@code expected} names.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code STAGED_RESULT_CORRUPT} when it is missing
   *     or different, {@code IO} when it cannot be read
   */
  public static StagedPlan open(Path stagingDir, PlanRef expected) {
    Path dir = dir(stagingDir);
    Path file = dir.resolve("plan.json");
    try {
      byte[] json = Files.readAllBytes(file);
      String sha = Fingerprints.sha256(json);
      if (!sha.equals(expected.sha256())) {
        throw corrupt("the staged plan " + file + " is not the job's plan (SHA-256 " + sha
            + ", the job recorded " + expected.sha256() + "): was the job planned again?");
      }
      Index index = MAPPER.readValue(json, Index.class);
      if (index.chunks() != expected.chunks() || index.inputs() != expected.inputs()) {
        throw corrupt("the staged plan " + file + " does not hold the job's chunk and input counts");
      }
      return new StagedPlan(dir, index);
    } catch (NoSuchFileException e) {
      throw corrupt("the staged plan " + file + " is missing");
    } catch (IOException e) {
      throw Failures.of(ErrorType.IO, "cannot read the staged plan " + file + ": " + e, e);
    }
  }

  /** A plan carrying its lists, read from the staged plan of {@code plan} (tests, small jobs). */
  public static PlanResult expand(PlanResult plan) {
    if (plan.staged() == null) {
      return plan;
    }
    StagedPlan staged = open(Path.of(plan.stagingDir()), plan.staged());
    List<InputFile> inputs = new ArrayList<>();
    staged.forEachInput(inputs::add);
    List<ChunkRef> chunks = new ArrayList<>();
    staged.forEachChunk(chunks::add);
    return new PlanResult(plan.stagingDir(), List.copyOf(inputs), List.copyOf(chunks), plan.staged());
  }

  public int chunkCount() {
    return index.chunks();
  }

  /**
   * Chunks {@code from}, {@code from + 1}, ...: at most {@code max}, and no more than fit in
   * {@code maxBytes} bytes of JSON (at least one).
   */
  public List<ChunkRef> chunks(int from, int max, int maxBytes) {
    if (from < 0 || from >= index.chunks()) {
      throw Failures.of(ErrorType.BAD_SPEC,
          "chunk " + from + " is not in the plan (" + index.chunks() + " chunks)");
    }
    List<ChunkRef> out = new ArrayList<>();
    long size = 0;
    int i = from;
    try (FileChannel channel = FileChannel.open(dir.resolve("chunks.jsonl"), StandardOpenOption.READ)) {
      while (i < index.chunks() && out.size() < max) {
        int block = i / index.blockSize();
        List<byte[]> lines = readBlock(channel, "chunks.jsonl", index.chunkBlocks().get(block));
        for (int j = i - block * index.blockSize(); j < lines.size() && out.size() < max; j++, i++) {
          byte[] line = lines.get(j);
          if (!out.isEmpty() && size + line.length > maxBytes) {
            return out;
          }
          size += line.length;
          out.add(MAPPER.readValue(line, ChunkRef.class));
        }
      }
      return out;
    } catch (IOException e) {
      throw Failures.of(ErrorType.IO, "cannot read the staged plan in " + dir + ": " + e, e);
    }
  }

  /** Something that takes the plan's items one by one. */
  @FunctionalInterface
  public interface Each<T> {
    void accept(T item) throws IOException;
  }

  /** Every chunk in order, a block at a time. */
  public void forEachChunk(Each<ChunkRef> each) {
    forEach("chunks.jsonl", index.chunkBlocks(), ChunkRef.class, each);
  }

  /**
   * Chunks {@code from} (inclusive) to {@code to} (exclusive) in order, a block at a time, reading
   * only the blocks that hold them.
   */
  public void forEachChunk(int from, int to, Each<ChunkRef> each) {
    if (from < 0 || to > index.chunks() || from > to) {
      throw new IllegalArgumentException(
          "chunks " + from + " to " + to + " are not in the plan (" + index.chunks() + " chunks)");
    }
    int size = index.blockSize();
    try (FileChannel channel = FileChannel.open(dir.resolve("chunks.jsonl"), StandardOpenOption.READ)) {
      for (int block = from / size; block * size < to; block++) {
        List<byte[]> lines = readBlock(channel, "chunks.jsonl", index.chunkBlocks().get(block));
        int first = Math.max(from - block * size, 0);
        int last = Math.min(to - block * size, lines.size());
        for (int j = first; j < last; j++) {
          each.accept(MAPPER.readValue(lines.get(j), ChunkRef.class));
        }
      }
    } catch (NoSuchFileException e) {
      throw corrupt("the staged plan's chunks.jsonl is missing from " + dir);
    } catch (IOException e) {
      throw Failures.of(ErrorType.IO, "cannot read the staged plan in " + dir + ": " + e, e);
    }
  }

  /** Every input file in order, a block at a time. */
  public void forEachInput(Each<InputFile> each) {
    forEach("inputs.jsonl", index.inputBlocks(), InputFile.class, each);
  }

  private <T> void forEach(String name, List<Block> blocks, Class<T> type, Each<T> each) {
    try (FileChannel channel = FileChannel.open(dir.resolve(name), StandardOpenOption.READ)) {
      for (Block block : blocks) {
        for (byte[] line : readBlock(channel, name, block)) {
          each.accept(MAPPER.readValue(line, type));
        }
      }
    } catch (NoSuchFileException e) {
      throw corrupt("the staged plan's " + name + " is missing from " + dir);
    } catch (IOException e) {
      throw Failures.of(ErrorType.IO, "cannot read the staged plan in " + dir + ": " + e, e);
    }
  }

  private List<byte[]> readBlock(FileChannel channel, String name, Block block) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(block.length());
    long position = block.offset();
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position);
      if (n < 0) {
        throw corrupt("the staged plan's " + name + " in " + dir + " is truncated");
      }
      position += n;
    }
    byte[] bytes = buffer.array();
    if (!Fingerprints.sha256(bytes).equals(block.sha256())) {
      throw corrupt("a block of the staged plan's " + name + " in " + dir + " does not match its SHA-256");
    }
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int k = 0; k < bytes.length; k++) {
      if (bytes[k] == '\n') {
        byte[] line = new byte[k - start];
        System.arraycopy(bytes, start, line, 0, line.length);
        lines.add(line);
        start = k + 1;
      }
    }
    return lines;
  }

  private static RuntimeException corrupt(String message) {
    return Failures.of(ErrorType.STAGED_RESULT_CORRUPT, message);
  }

  /**
   * Writes a plan into a staging directory as it is made, item by item: nothing is held in memory
   * but the block index. {@link #finish()} publishes it ({@code plan.json} last) and returns its
   * reference; {@link #close()} without it leaves no partial plan behind.
   */
  public static final class Writer implements AutoCloseable {
    private final Path dir;
    private final Lines chunks;
    private final Lines inputs;
    private long bytes;
    private boolean finished;

    public Writer(Path stagingDir) throws IOException {
      this.dir = dir(stagingDir);
      Files.createDirectories(dir);
      String tmp = ".tmp-" + UUID.randomUUID();
      this.chunks = new Lines(dir.resolve("chunks.jsonl"), dir.resolve("chunks.jsonl" + tmp));
      this.inputs = new Lines(dir.resolve("inputs.jsonl"), dir.resolve("inputs.jsonl" + tmp));
    }

    public void add(InputFile input) throws IOException {
      inputs.add(MAPPER.writeValueAsBytes(input));
    }

    public void add(ChunkRef chunk) throws IOException {
      if (chunk.index() != chunks.count) {
        throw new IllegalArgumentException("chunk " + chunk.index() + " out of order, expected " + chunks.count);
      }
      chunks.add(MAPPER.writeValueAsBytes(chunk));
      bytes += chunk.bytes();
    }

    /** Chunks added so far. */
    public int chunkCount() {
      return chunks.count;
    }

    /** Publishes the plan: both lists, then {@code plan.json}; returns its reference. */
    public PlanRef finish() throws IOException {
      chunks.finish();
      inputs.finish();
      Index index = new Index(1, chunks.count, inputs.count, bytes, BLOCK, chunks.blocks, inputs.blocks);
      byte[] json = MAPPER.writeValueAsBytes(index);
      AtomicFiles.write(dir.resolve("plan.json"), json);
      finished = true;
      return new PlanRef(Fingerprints.sha256(json), chunks.count, inputs.count, bytes);
    }

    @Override
    public void close() throws IOException {
      chunks.abort();
      inputs.abort();
      if (!finished) {
        Files.deleteIfExists(dir.resolve("plan.json"));
      }
    }
  }

  /** One list being written: lines, blocks, their hashes. */
  private static final class Lines {
    private final Path target;
    private final Path tmp;
    private final OutputStream out;
    private final MessageDigest sha = Fingerprints.sha256Digest();
    private final List<Block> blocks = new ArrayList<>();
    private int count;
    private long offset;
    private long blockStart;
    private boolean closed;

    Lines(Path target, Path tmp) throws IOException {
      this.target = target;
      this.tmp = tmp;
      this.out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
    }

    void add(byte[] json) throws IOException {
      for (byte b : json) {
        if (b == '\n') {
          throw new IllegalArgumentException("a plan line holds a newline");
        }
      }
      out.write(json);
      out.write('\n');
      sha.update(json);
      sha.update((byte) '\n');
      offset += json.length + 1;
      count++;
      if (count % BLOCK == 0) {
        endBlock();
      }
    }

    private void endBlock() {
      if (offset > blockStart) {
        blocks.add(new Block(blockStart, (int) (offset - blockStart), Fingerprints.hex(sha.digest())));
        blockStart = offset;
      }
    }

    void finish() throws IOException {
      endBlock();
      out.close();
      closed = true;
      AtomicFiles.move(tmp, target);
    }

    void abort() throws IOException {
      if (!closed) {
        out.close();
        closed = true;
      }
      Files.deleteIfExists(tmp);
    }
  }
}
