package dev.mailgate.server.sandbox.gmail;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The labels of one mailbox: Gmail's system labels and the user's own ({@code Label_1}, …). Guarded by its mailbox. */
final class LabelSet {

  /** A label as {@code users.labels} shows it; visibilities are null where Gmail leaves them out. */
  record Label(String id, String name, String type, String messageListVisibility, String labelListVisibility,
      JsonObject color) {

    boolean system() {
      return "system".equals(type);
    }

    JsonObject toJson() {
      JsonObject json = new JsonObject().put("id", id).put("name", name);
      if (messageListVisibility != null) {
        json.put("messageListVisibility", messageListVisibility);
      }
      if (labelListVisibility != null) {
        json.put("labelListVisibility", labelListVisibility);
      }
      if (color != null) {
        json.put("color", color.copy());
      }
      return json.put("type", type);
    }
  }

  static final String INBOX = "INBOX";
  static final String SENT = "SENT";
  static final String DRAFT = "DRAFT";
  static final String TRASH = "TRASH";
  static final String SPAM = "SPAM";
  static final String STARRED = "STARRED";
  static final String UNREAD = "UNREAD";
  static final String IMPORTANT = "IMPORTANT";

  private static final List<String> SHOWN = List.of(INBOX, SENT, STARRED, UNREAD);
  private static final List<String> SYSTEM = List.of(INBOX, SENT, DRAFT, TRASH, SPAM, STARRED, UNREAD, IMPORTANT,
      "CHAT", "CATEGORY_PERSONAL", "CATEGORY_SOCIAL", "CATEGORY_PROMOTIONS", "CATEGORY_UPDATES", "CATEGORY_FORUMS");

  private final Map<String, Label> labels = new LinkedHashMap<>();
  private int nextUserLabel = 1;

  LabelSet() {
    for (String id : SYSTEM) {
      boolean shown = SHOWN.contains(id);
      labels.put(id, new Label(id, id, "system", shown ? null : "hide", shown ? null : "labelHide", null));
    }
  }

  List<Label> all() {
    return new ArrayList<>(labels.values());
  }

  boolean exists(String id) {
    return labels.containsKey(id);
  }

  Label get(String id) {
    Label label = labels.get(id);
    if (label == null) {
      throw GmailException.notFound();
    }
    return label;
  }

  Label create(JsonObject body) {
    String name = body.getString("name", "").trim();
    if (name.isEmpty()) {
      throw GmailException.invalidArgument("Invalid label name");
    }
    if (byName(name).isPresent()) {
      throw GmailException.labelConflict();
    }
    String id = "Label_" + nextUserLabel++;
    Label label = new Label(id, name, "user", body.getString("messageListVisibility", "show"),
        body.getString("labelListVisibility", "labelShow"), body.getJsonObject("color"));
    labels.put(id, label);
    return label;
  }

  /** Applies the fields present in {@code body} (patch) or all of them (update). */
  Label change(String id, JsonObject body, boolean patch) {
    Label old = get(id);
    if (old.system()) {
      throw GmailException.invalidArgument("Invalid update request");
    }
    String name = body.getString("name", patch ? old.name() : "").trim();
    if (name.isEmpty()) {
      throw GmailException.invalidArgument("Invalid label name");
    }
    if (byName(name).filter(other -> !other.id().equals(id)).isPresent()) {
      throw GmailException.labelConflict();
    }
    Label label = new Label(id, name, "user",
        body.getString("messageListVisibility", patch ? old.messageListVisibility() : "show"),
        body.getString("labelListVisibility", patch ? old.labelListVisibility() : "labelShow"),
        body.containsKey("color") || !patch ? body.getJsonObject("color") : old.color());
    labels.put(id, label);
    return label;
  }

  void delete(String id) {
    if (get(id).system()) {
      throw GmailException.invalidArgument("Invalid delete request");
    }
    labels.remove(id);
  }

  Optional<Label> byName(String name) {
    return labels.values().stream().filter(l -> l.name().equalsIgnoreCase(name)).findFirst();
  }

  /**
   * The label a search term names: its id or its name, case-insensitively, where spaces and
   * slashes may be written as dashes ({@code label:my-project} finds "My Project").
   */
  Optional<String> resolveForQuery(String term) {
    String wanted = searchForm(term);
    return labels.values().stream()
        .filter(l -> searchForm(l.id()).equals(wanted) || searchForm(l.name()).equals(wanted))
        .map(Label::id).findFirst();
  }

  private static String searchForm(String name) {
    return name.toLowerCase(Locale.ROOT).replace(' ', '-').replace('/', '-');
  }
}
