package dev.ballast.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The floor of the benchmark: one thread that only reads the inputs' bytes (1 MiB at a time) and
 * counts line feeds. No job written in Java on one thread can be faster than this; a parallel one
 * can beat it only by reading on several cores.
 */
public final class ReadFloor {
  private ReadFloor() {}

  /** Usage: {@code ReadFloor INPUT...}; prints the bytes and lines read. */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: ReadFloor INPUT...");
      System.exit(2);
    }
    long bytes = 0;
    long lines = 0;
    ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    byte[] b = buffer.array();
    for (String arg : args) {
      try (FileChannel in = FileChannel.open(Path.of(arg), StandardOpenOption.READ)) {
        int n;
        while ((n = in.read(buffer.clear())) >= 0) {
          bytes += n;
          for (int i = 0; i < n; i++) {
            if (b[i] == '\n') {
              lines++;
            }
          }
        }
      }
    }
    System.out.printf("bytes %d lines %d%n", bytes, lines);
  }
}
