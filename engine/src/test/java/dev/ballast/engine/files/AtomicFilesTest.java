package dev.ballast.engine.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void writesIntoDirectoriesItCreatesAndIntoOnesThatExist() throws Exception {
    Path first = dir.resolve("a/b/c/first.bin");
    AtomicFiles.write(first, bytes("one"));
    Path second = dir.resolve("a/b/c/second.bin");
    AtomicFiles.write(second, bytes("two"));

    assertArrayEquals(bytes("one"), Files.readAllBytes(first));
    assertArrayEquals(bytes("two"), Files.readAllBytes(second));
    assertEquals(List.of("first.bin", "second.bin"), names(dir.resolve("a/b/c")));
  }

  @Test
  void replacesTheTargetWholeAndLeavesNoTemporaryFile() throws Exception {
    Path target = dir.resolve("out.txt");
    AtomicFiles.write(target, bytes("a longer first version"));
    AtomicFiles.write(target, bytes("second"));

    assertArrayEquals(bytes("second"), Files.readAllBytes(target));
    assertEquals(List.of("out.txt"), names(dir));
  }

  @Test
  void aFailedWriteKeepsTheOldTargetAndRemovesItsTemporaryFile() throws Exception {
    Path target = dir.resolve("out.txt");
    AtomicFiles.write(target, bytes("old"));
    IOException failure = new IOException("disk full");

    IOException thrown =
        assertThrows(
            IOException.class,
            () ->
                AtomicFiles.write(
                    target,
                    out -> {
                      out.write(bytes("half of the new"));
                      throw failure;
                    }));

    assertSame(failure, thrown);
    assertArrayEquals(bytes("old"), Files.readAllBytes(target));
    assertEquals(List.of("out.txt"), names(dir));
  }

  @Test
  void aTargetWhoseParentIsAFileFails() throws Exception {
    Path file = Files.writeString(dir.resolve("plain"), "x");
    assertThrows(IOException.class, () -> AtomicFiles.write(file.resolve("child.bin"), bytes("y")));
    assertEquals("x", Files.readString(file));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> names(Path d) {
    try (Stream<Path> files = Files.list(d)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
