package dev.ballast.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Walks up an exception's cause chain: the exception, its cause, that one's cause and so on. A
 * chain that comes back to an exception already seen (a cause that is itself, or a longer cycle)
 * ends before the repeat. Pure functions of the exceptions, so workflow code may use them too.
 */
public final class Causes {
  private Causes() {}

  /** {@code e} and its causes, outermost first; empty when {@code e} is null. */
  public static List<Throwable> chain(Throwable e) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = e; t != null && !containsSame(chain, t); t = t.getCause()) {
      chain.add(t);
    }
    return List.copyOf(chain);
  }

  /** The innermost cause of {@code e} ({@code e} itself when it has none). */
  public static Throwable root(Throwable e) {
    List<Throwable> chain = chain(e);
    return chain.isEmpty() ? null : chain.get(chain.size() - 1);
  }

  /** The outermost exception in {@code e}'s chain ({@code e} included) that is a {@code type}. */
  public static <T extends Throwable> Optional<T> first(Throwable e, Class<T> type) {
    return chain(e).stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  private static boolean containsSame(List<Throwable> chain, Throwable t) {
    for (Throwable seen : chain) {
      if (seen == t) {
        return true;
      }
    }
    return false;
  }
}
