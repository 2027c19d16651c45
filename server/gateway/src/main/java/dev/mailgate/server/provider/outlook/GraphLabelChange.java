package dev.mailgate.server.provider.outlook;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What ModifyMessage's labels mean on Outlook: UNREAD and STARRED become a PATCH of isRead and
 * flag, {@code category:<name>} labels change the categories, a folder label moves the message,
 * and removing INBOX (or the current folder's label) moves it to Archive (or back to the inbox).
 */
record GraphLabelChange(JsonObject patch, Optional<String> moveTo, List<String> addCategories,
    List<String> removeCategories) {

  static GraphLabelChange of(List<String> addLabelIds, List<String> removeLabelIds) {
    JsonObject patch = new JsonObject();
    Optional<String> moveTo = Optional.empty();
    List<String> addCategories = new ArrayList<>();
    List<String> removeCategories = new ArrayList<>();
    for (String label : addLabelIds) {
      switch (label) {
        case "UNREAD" -> patch.put("isRead", false);
        case "STARRED" -> patch.put("flag", new JsonObject().put("flagStatus", "flagged"));
        default -> {
          if (label.startsWith(OutlookProvider.CATEGORY)) {
            addCategories.add(label.substring(OutlookProvider.CATEGORY.length()));
          } else {
            moveTo = Optional.of(GraphLabels.folderOf(label));
          }
        }
      }
    }
    for (String label : removeLabelIds) {
      switch (label) {
        case "UNREAD" -> patch.put("isRead", true);
        case "STARRED" -> patch.put("flag", new JsonObject().put("flagStatus", "notFlagged"));
        case "INBOX" -> moveTo = moveTo.or(() -> Optional.of("archive"));
        default -> {
          if (label.startsWith(OutlookProvider.CATEGORY)) {
            removeCategories.add(label.substring(OutlookProvider.CATEGORY.length()));
          } else {
            moveTo = moveTo.or(() -> Optional.of("inbox"));
          }
        }
      }
    }
    return new GraphLabelChange(patch, moveTo, List.copyOf(addCategories), List.copyOf(removeCategories));
  }
}
