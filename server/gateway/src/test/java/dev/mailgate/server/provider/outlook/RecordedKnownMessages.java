package dev.mailgate.server.provider.outlook;

import dev.mailgate.server.watch.Changes;
import dev.mailgate.server.watch.KnownMessages;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Known messages in memory, updated with each {@link Changes} as the watcher does. */
final class RecordedKnownMessages implements KnownMessages {

  final Map<String, List<String>> labels = new LinkedHashMap<>();

  synchronized Changes apply(Changes changes) {
    labels.putAll(changes.remember());
    changes.forget().forEach(labels::remove);
    return changes;
  }

  @Override
  public synchronized Future<Map<String, List<String>>> labels(Collection<String> messageIds) {
    Map<String, List<String>> found = new LinkedHashMap<>();
    messageIds.forEach(id -> {
      if (labels.containsKey(id)) {
        found.put(id, labels.get(id));
      }
    });
    return Future.succeededFuture(found);
  }

  @Override
  public synchronized Future<Map<String, List<String>>> all(int limit) {
    Map<String, List<String>> some = new LinkedHashMap<>();
    labels.entrySet().stream().limit(limit).forEach(e -> some.put(e.getKey(), e.getValue()));
    return Future.succeededFuture(some);
  }
}
