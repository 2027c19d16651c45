package dev.mailgate.server.provider.outlook;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Graph change feed's cursor: for each watched folder (by well-known name) the link to follow
 * next, an {@code @odata.deltaLink} (the folder is read to its end) or an {@code @odata.nextLink}
 * (a round stopped at the feed's bound), and {@code readAt}, a time before which every folder's
 * changes are covered by its link (null in cursors written before it existed). As JSON,
 * {@code {"v":1,"folders":{"inbox":"https://..."},"at":"2026-12-03T07:00:00Z"}}.
 */
record GraphDeltaCursor(Map<String, String> links, Instant readAt) {

  private static final int VERSION = 1;

  GraphDeltaCursor {
    links = Map.copyOf(links);
  }

  String encode() {
    JsonObject folders = new JsonObject();
    new LinkedHashMap<>(links).forEach(folders::put);
    JsonObject json = new JsonObject().put("v", VERSION).put("folders", folders);
    return (readAt == null ? json : json.put("at", readAt.toString())).encode();
  }

  /** The cursor in {@code text}, or empty for text that is not one of this version. */
  static Optional<GraphDeltaCursor> decode(String text) {
    try {
      JsonObject json = new JsonObject(text);
      if (json.getInteger("v", 0) != VERSION) {
        return Optional.empty();
      }
      Map<String, String> links = new LinkedHashMap<>();
      json.getJsonObject("folders", new JsonObject()).forEach(e -> links.put(e.getKey(), (String) e.getValue()));
      String at = json.getString("at");
      return Optional.of(new GraphDeltaCursor(links, at == null ? null : Instant.parse(at)));
    } catch (RuntimeException notACursor) {
      return Optional.empty();
    }
  }
}
