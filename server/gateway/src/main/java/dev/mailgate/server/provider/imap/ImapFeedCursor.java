package dev.mailgate.server.provider.imap;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * {@link ImapChangeFeed}'s cursor, stored by the watcher as small JSON:
 * {@code {"uidValidity":V,"uidNext":N}}. Arrivals below {@code uidNext} were reported.
 */
record ImapFeedCursor(long uidValidity, long uidNext) {

  String json() {
    return new JsonObject().put("uidValidity", uidValidity).put("uidNext", uidNext).encode();
  }

  /** The cursor in {@code text}; empty when it is not one (the feed then re-anchors). */
  static Optional<ImapFeedCursor> parse(String text) {
    try {
      JsonObject json = new JsonObject(text);
      Long validity = json.getLong("uidValidity");
      Long next = json.getLong("uidNext");
      if (validity == null || next == null || next < 1) {
        return Optional.empty();
      }
      return Optional.of(new ImapFeedCursor(validity, next));
    } catch (DecodeException | ClassCastException | NullPointerException malformed) {
      return Optional.empty();
    }
  }
}
