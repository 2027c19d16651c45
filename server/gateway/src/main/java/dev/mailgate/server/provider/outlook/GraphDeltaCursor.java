package dev.mailgate.server.provider.outlook;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Graph change feed's cursor: for each watched folder (by well-known name) the link to follow
 * next, an {@code @odata.deltaLink} (the folder is read to its end) or an {@code @odata.nextLink}
 * (a round stopped at the feed's bound). As JSON, {@code {"v":1,"folders":{"inbox":"https://..."}}}.
 */
record GraphDeltaCursor(Map<String, String> links) {

  private static final int VERSION = 1;

  GraphDeltaCursor {
    links = Map.copyOf(links);
  }

  String encode() {
    JsonObject folders = new JsonObject();
    new LinkedHashMap<>(links).forEach(folders::put);
    return new JsonObject().put("v", VERSION).put("folders", folders).encode();
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
      return Optional.of(new GraphDeltaCursor(links));
    } catch (RuntimeException notACursor) {
      return Optional.empty();
    }
  }
}
