package dev.mailgate.server.sandbox;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** How many calls a sandbox received, by method and path, so tests can check what reached the provider. */
public final class CallCounts {

  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  /** Counts one call of {@code method} (upper case) on {@code path}. */
  public void count(String method, String path) {
    calls.computeIfAbsent(method + " " + path, call -> new AtomicInteger()).incrementAndGet();
  }

  /** How many calls so far had {@code method} and a path ending in {@code pathSuffix}. */
  public int calls(String method, String pathSuffix) {
    String prefix = method.toUpperCase(Locale.ROOT) + " ";
    return calls.entrySet().stream().filter(e -> e.getKey().startsWith(prefix) && e.getKey().endsWith(pathSuffix))
        .mapToInt(e -> e.getValue().get()).sum();
  }
}
