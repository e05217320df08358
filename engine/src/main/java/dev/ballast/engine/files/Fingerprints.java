package dev.ballast.engine.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Checksums as Ballast records them: SHA-256 and CRC-32C, both as lower-case hex. */
public final class Fingerprints {
  /** Read buffer size used when hashing whole files. */
  static final int BUFFER_BYTES = 1 << 20;

  private Fingerprints() {}

  /** A file's size and SHA-256. */
  public record Fingerprint(long bytes, String sha256) {}

  /** A new SHA-256 digest. */
  public static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /** Reads {@code file} once and returns its size and SHA-256. */
  public static Fingerprint of(Path file) throws IOException {
    MessageDigest digest = sha256Digest();
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    long total = 0;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      int n;
      while ((n = channel.read(buffer.clear())) >= 0) {
        digest.update(buffer.array(), 0, n);
        total += n;
      }
    }
    return new Fingerprint(total, hex(digest.digest()));
  }

  /** SHA-256 of {@code file}, lower-case hex. */
  public static String sha256(Path file) throws IOException {
    return of(file).sha256();
  }

  /** SHA-256 of {@code bytes}, lower-case hex. */
  public static String sha256(byte[] bytes) {
    return sha256(bytes, 0, bytes.length);
  }

  /** SHA-256 of {@code bytes[from..from + length)}, lower-case hex. */
  public static String sha256(byte[] bytes, int from, int length) {
    MessageDigest digest = sha256Digest();
    digest.update(bytes, from, length);
    return hex(digest.digest());
  }

  /** Lower-case hex of {@code bytes}. */
  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  /** A CRC-32C value as recorded in a chunk reference: eight lower-case hex digits. */
  public static String crc32cHex(long value) {
    return String.format("%08x", value);
  }
}
