package dev.ballast.examples.jsonlines;

import dev.ballast.job.Segment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The files {@code split-by-key} writes under its {@code directory}, and how it writes them:
 *
 * <pre>
 * DIRECTORY/KEY/JOB-CHUNK-START.jsonl      the rows of one key in one segment, one JSON object a line
 * DIRECTORY/.segments/JOB/CHUNK-START      the segment's marker: its end, then per key: KEY LINES BYTES
 * </pre>
 *
 * <p>{@code KEY} and {@code JOB} are {@linkplain #encode encoded} for a file name; {@code CHUNK}
 * is the chunk's index and {@code START} the segment's first byte in its input file, which is what
 * identifies a segment when it is written again. Every file is written to a temporary file in its
 * directory ({@code .NAME…tmp}), forced to disk and renamed over its name, so a reader sees a whole
 * file or none and a redone segment replaces its own files. The marker is written last: a segment
 * whose marker is there, and whose files all have the sizes it records, is complete.
 */
final class KeyDirectory {
  /** Where the segment markers are; a name no encoded key can have (an encoded key has no dot). */
  static final String MARKERS = ".segments";
  /** Longest encoded key: a file-name component must stay well under 255 bytes. */
  static final int MAX_ENCODED_KEY = 200;

  private static final String HEX = "0123456789ABCDEF";

  private final Path root;

  KeyDirectory(Path root) {
    this.root = root;
  }

  /**
   * {@code text} as one file-name component: ASCII letters, digits, {@code -} and {@code _} as
   * they are, every other character as {@code %XX} per byte of its UTF-8 encoding ({@code a.b}
   * becomes {@code a%2Eb}). Distinct texts get distinct names, on a case-sensitive file system.
   */
  static String encode(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
        sb.append((char) c);
      } else {
        sb.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xf));
      }
    }
    return sb.toString();
  }

  /** The file of {@code encodedKey}'s rows in {@code segment} of job {@code jobId}. */
  Path keyFile(String jobId, String encodedKey, Segment segment) {
    return root.resolve(encodedKey)
        .resolve(encode(jobId) + "-" + segment.chunkIndex() + "-" + segment.start() + ".jsonl");
  }

  /** The marker of {@code segment} of job {@code jobId}. */
  Path marker(String jobId, Segment segment) {
    return root.resolve(MARKERS).resolve(encode(jobId)).resolve(segment.chunkIndex() + "-" + segment.start());
  }

  /** One key's file of a segment, as its marker records it. */
  record Entry(String encodedKey, long lines, long bytes) {}

  /** A segment's marker: where the segment ends and the files it wrote. */
  record Marker(long end, List<Entry> entries) {
    String text() {
      StringBuilder sb = new StringBuilder("end ").append(end).append('\n');
      for (Entry e : entries) {
        sb.append(e.encodedKey()).append(' ').append(e.lines()).append(' ').append(e.bytes()).append('\n');
      }
      return sb.toString();
    }

    /** The marker {@link #text} wrote, or null when {@code text} is not one. */
    static Marker parse(String text) {
      String[] lines = text.split("\n");
      if (lines.length == 0 || !lines[0].startsWith("end ")) {
        return null;
      }
      try {
        long end = Long.parseLong(lines[0].substring(4));
        List<Entry> entries = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
          String[] f = lines[i].split(" ");
          if (f.length != 3) {
            return null;
          }
          entries.add(new Entry(f[0], Long.parseLong(f[1]), Long.parseLong(f[2])));
        }
        return new Marker(end, entries);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  /** The marker of {@code segment}, or null when it is missing or unreadable. */
  Marker readMarker(String jobId, Segment segment) throws IOException {
    try {
      return Marker.parse(Files.readString(marker(jobId, segment), StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * Whether {@code segment} is complete here: its marker is there, ends where the segment does,
   * and every file it records has the recorded size.
   */
  boolean complete(String jobId, Segment segment) throws IOException {
    Marker marker = readMarker(jobId, segment);
    if (marker == null || marker.end() != segment.end()) {
      return false;
    }
    for (Entry e : marker.entries()) {
      Path file = keyFile(jobId, e.encodedKey(), segment);
      if (!Files.isRegularFile(file) || Files.size(file) != e.bytes()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes {@code bytes} to {@code target} atomically: a temporary file beside it, forced to disk,
   * renamed over {@code target}. The caller forces the directory once it wrote all its files.
   */
  static void writeAtomically(Path target, ByteBuffer bytes) throws IOException {
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
        out.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Forces {@code dir}'s entries (the renames into it) to disk, where the platform allows it. */
  static void forceDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException e) {
      // Some platforms (Windows) cannot open a directory; the rename is then as durable as they make it.
    }
  }
}
