package dev.ballast.api.model;

/**
 * A chunk: a byte range of one input file that starts and ends at line boundaries. Rows never
 * travel in history; this reference is all a chunk activity needs to find them.
 *
 * @param index chunk number across the whole job (0-based, in input order)
 * @param fileIndex the input file's {@link InputFile#index()}
 * @param path absolute path of the input file
 * @param fileName the input file's name, as reported in rejects
 * @param start offset of the chunk's first byte
 * @param end offset just past the chunk's last byte
 * @param firstLine physical line number of the chunk's first line (the header is line 1)
 * @param crc32c CRC-32C of the chunk's bytes when planned, lower-case hex; a chunk whose bytes no
 *     longer match fails with {@code INPUT_CHANGED}
 * @param segmentBytes the size of the chunk's segments, decided by the plan so that every attempt of
 *     the chunk, on any worker, cuts the same segments; null in plans of earlier versions, whose
 *     chunks are cut in segments of 1 MiB
 */
public record ChunkRef(
    int index,
    int fileIndex,
    String path,
    String fileName,
    long start,
    long end,
    long firstLine,
    String crc32c,
    Integer segmentBytes) {

  /** A chunk whose plan records no segment size (as plans of earlier versions). */
  public ChunkRef(
      int index, int fileIndex, String path, String fileName, long start, long end, long firstLine,
      String crc32c) {
    this(index, fileIndex, path, fileName, start, end, firstLine, crc32c, null);
  }

  public long bytes() {
    return end - start;
  }
}
