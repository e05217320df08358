package dev.ballast.engine.files;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a reader sees the whole file or none of it: write a temporary file beside
 * the target, then rename it over the target. A retried writer replaces, never appends.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Something that writes a file's content to a stream. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Writes {@code content} to {@code target} atomically, creating parent directories. */
  public static void write(Path target, Content content) throws IOException {
    Path parent = target.getParent();
    // Asked first: createDirectories on a directory that exists fails mkdir and throws and
    // catches an exception, on every staged file of every chunk.
    if (!Files.isDirectory(parent)) {
      Files.createDirectories(parent);
    }
    // A random name, not a UUID: UUID.randomUUID draws from SecureRandom, a lock and a read of
    // the system's entropy per staged file.
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Path tmp =
        target.resolveSibling(
            target.getFileName() + ".tmp-" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
    boolean moved = false;
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        content.writeTo(out);
      }
      move(tmp, target);
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Writes {@code bytes} to {@code target} atomically. */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, out -> out.write(bytes));
  }

  /**
   * Writes {@code content} to {@code target} atomically, returning the size and SHA-256 of what
   * was written (computed on the way, without reading the file back).
   */
  public static Fingerprints.Fingerprint writeHashed(Path target, Content content)
      throws IOException {
    MessageDigest sha = Fingerprints.sha256Digest();
    long[] bytes = new long[1];
    write(
        target,
        stream -> {
          sha.reset();
          bytes[0] = 0;
          DigestOutputStream hashing = new DigestOutputStream(stream, sha);
          OutputStream counting =
              new FilterOutputStream(hashing) {
                @Override
                public void write(int b) throws IOException {
                  hashing.write(b);
                  bytes[0]++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                  hashing.write(b, off, len);
                  bytes[0] += len;
                }
              };
          content.writeTo(counting);
          counting.flush();
        });
    return new Fingerprints.Fingerprint(bytes[0], Fingerprints.hex(sha.digest()));
  }

  /** Renames {@code source} to {@code target}, replacing it, atomically where the file system can. */
  public static void move(Path source, Path target) throws IOException {
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
