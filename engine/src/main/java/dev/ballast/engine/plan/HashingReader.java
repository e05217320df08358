package dev.ballast.engine.plan;

import dev.ballast.engine.files.Fingerprints;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a file's buffers in order while their SHA-256 is computed on a thread of its own, so that
 * the reader's own pass over the bytes (line feeds, CRC-32C) and the digest share two cores
 * instead of taking turns on one. SHA-256 is the slowest part of a scan (~1.4 GB/s with the CPU's
 * SHA instructions, against ~3 GB/s for reading, counting and CRC-32C together), and it cannot
 * itself be split: it is one sequential chain over the whole file.
 *
 * <p>A handful of buffers circulate between the two threads: the reader fills one, hands it to
 * the hasher and goes on reading it itself; the hasher hands it back when it has digested it. A
 * buffer returned by {@link #next} is the caller's until the following call. Not thread-safe: one
 * reader per instance; {@link #close} always ends the hashing thread.
 */
final class HashingReader implements AutoCloseable {
  private static final int BUFFERS = 4;
  private static final ByteBuffer END = ByteBuffer.allocate(0);

  private final FileChannel channel;
  private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
  private final BlockingQueue<ByteBuffer> toHash = new ArrayBlockingQueue<>(BUFFERS + 1);
  private final MessageDigest sha = Fingerprints.sha256Digest();
  private final Thread hasher;
  private volatile RuntimeException hashFailure;
  private boolean ended;

  HashingReader(FileChannel channel, int bufferBytes) {
    this.channel = channel;
    for (int i = 0; i < BUFFERS; i++) {
      free.add(ByteBuffer.allocate(bufferBytes));
    }
    hasher = new Thread(this::hashAll, "ballast-plan-sha256");
    hasher.setDaemon(true);
    hasher.start();
  }

  /**
   * The next buffer of the file, flipped (position 0, limit = bytes read), or null at the end of
   * the file. The previous buffer goes back into circulation.
   */
  ByteBuffer next() throws IOException {
    if (ended) {
      return null;
    }
    ByteBuffer buffer = take(free);
    buffer.clear();
    int n;
    do {
      n = channel.read(buffer);
    } while (n == 0);
    if (n < 0) {
      free.add(buffer);
      finish();
      return null;
    }
    buffer.flip();
    toHash.add(buffer);
    return buffer;
  }

  /** The SHA-256 of everything read, lower-case hex; only after {@link #next} returned null. */
  String sha256() {
    if (!ended || hasher.isAlive()) {
      throw new IllegalStateException("the file has not been read to its end");
    }
    if (hashFailure != null) {
      throw hashFailure;
    }
    return Fingerprints.hex(sha.digest());
  }

  private void finish() throws InterruptedIOException {
    ended = true;
    toHash.add(END);
    try {
      hasher.join();
    } catch (InterruptedException e) {
      hasher.interrupt();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while hashing");
    }
  }

  private ByteBuffer take(BlockingQueue<ByteBuffer> queue) throws InterruptedIOException {
    try {
      ByteBuffer b = queue.take();
      if (hashFailure != null) {
        throw hashFailure;
      }
      return b;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading");
    }
  }

  private void hashAll() {
    try {
      while (true) {
        ByteBuffer b = toHash.take();
        if (b == END) {
          return;
        }
        sha.update(b.array(), 0, b.limit());
        free.add(b);
      }
    } catch (InterruptedException e) {
      // closed early: the digest is abandoned
    } catch (RuntimeException e) {
      hashFailure = e;
      free.add(END); // wakes a reader waiting for a buffer; it rethrows the failure
    }
  }

  /** Ends the hashing thread, also when the file was not read to its end. */
  @Override
  public void close() {
    if (hasher.isAlive()) {
      hasher.interrupt();
      try {
        hasher.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
