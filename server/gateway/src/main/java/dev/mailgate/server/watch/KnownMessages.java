package dev.mailgate.server.watch;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The labels the watcher last recorded for a connection's messages (from {@link Changes#remember}),
 * for feeds that see a message's current state and must say what changed (Graph delta, IMAP
 * flags). Read-only for the feed; the watcher applies the feed's updates with its events.
 */
public interface KnownMessages {

  /** The recorded labels of those of {@code messageIds} that are known. */
  Future<Map<String, List<String>>> labels(Collection<String> messageIds);

  /** Every known message id with its labels, at most {@code limit} of them (IMAP without CONDSTORE). */
  Future<Map<String, List<String>>> all(int limit);

  /** Nothing is known (feeds that do not compare, and tests). */
  KnownMessages NONE = new KnownMessages() {
    @Override
    public Future<Map<String, List<String>>> labels(Collection<String> messageIds) {
      return Future.succeededFuture(Map.of());
    }

    @Override
    public Future<Map<String, List<String>>> all(int limit) {
      return Future.succeededFuture(Map.of());
    }
  };
}
