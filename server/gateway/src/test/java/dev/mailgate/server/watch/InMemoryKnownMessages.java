package dev.mailgate.server.watch;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Known messages in memory, for a change feed's own tests: {@link #apply} updates them with each
 * {@link Changes} the way the watcher does in its transaction (after lost history everything is
 * forgotten; then the feed's forget, then its remember).
 */
public final class InMemoryKnownMessages implements KnownMessages {

  private final Map<String, List<String>> labels = new LinkedHashMap<>();

  /** Applies what the feed said to remember and forget; returns {@code changes}. */
  public synchronized Changes apply(Changes changes) {
    if (changes.historyLost()) {
      labels.clear();
    }
    changes.forget().forEach(labels::remove);
    labels.putAll(changes.remember());
    return changes;
  }

  /** What is known now. */
  public synchronized Map<String, List<String>> snapshot() {
    return Map.copyOf(labels);
  }

  @Override
  public synchronized Future<Map<String, List<String>>> labels(Collection<String> messageIds) {
    Map<String, List<String>> found = new LinkedHashMap<>();
    messageIds.stream().filter(labels::containsKey).forEach(id -> found.put(id, labels.get(id)));
    return Future.succeededFuture(found);
  }

  @Override
  public synchronized Future<Map<String, List<String>>> all(int limit) {
    Map<String, List<String>> some = new LinkedHashMap<>();
    labels.entrySet().stream().limit(limit).forEach(e -> some.put(e.getKey(), e.getValue()));
    return Future.succeededFuture(some);
  }
}
