package dev.ballast.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CausesTest {
  private final IOException io = new IOException("disk full");
  private final UncheckedIOException unchecked = new UncheckedIOException("write failed", io);
  private final IllegalStateException top = new IllegalStateException("chunk 3", unchecked);

  @Test
  void theChainRunsFromTheExceptionToItsInnermostCause() {
    assertEquals(List.of(top, unchecked, io), Causes.chain(top));
    assertEquals(List.of(io), Causes.chain(io));
    assertEquals(List.of(), Causes.chain(null));
  }

  @Test
  void theRootIsTheInnermostCauseOrTheExceptionItself() {
    assertSame(io, Causes.root(top));
    assertSame(io, Causes.root(io));
    assertNull(Causes.root(null));
  }

  @Test
  void firstFindsTheOutermostCauseOfATypeIncludingTheExceptionItself() {
    assertSame(top, Causes.first(top, RuntimeException.class).orElseThrow());
    assertSame(unchecked, Causes.first(unchecked, RuntimeException.class).orElseThrow());
    assertSame(unchecked, Causes.first(top, UncheckedIOException.class).orElseThrow());
    assertSame(top, Causes.first(top, IllegalStateException.class).orElseThrow());
    assertSame(io, Causes.first(top, IOException.class).orElseThrow());
    assertTrue(Causes.first(top, IllegalArgumentException.class).isEmpty());
  }

  @Test
  void aChainThatComesBackOnItselfEndsBeforeTheRepeat() {
    Cyclic a = new Cyclic("a");
    Cyclic b = new Cyclic("b");
    a.cause = b;
    b.cause = a;
    assertEquals(List.of(a, b), Causes.chain(a));
    assertSame(b, Causes.root(a));

    Cyclic self = new Cyclic("self");
    self.cause = self;
    assertEquals(List.of(self), Causes.chain(self));
    assertSame(self, Causes.root(self));
  }

  /** An exception whose cause can be anything, a cycle included (Throwable itself hides a self-cause). */
  private static final class Cyclic extends RuntimeException {
    Throwable cause;

    Cyclic(String message) {
      super(message);
    }

    @Override
    public synchronized Throwable getCause() {
      return cause;
    }
  }
}
