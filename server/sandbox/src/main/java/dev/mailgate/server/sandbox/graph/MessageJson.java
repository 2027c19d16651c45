package dev.mailgate.server.sandbox.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Graph's JSON for a {@code message} and a {@code fileAttachment}
 * (https://learn.microsoft.com/graph/api/resources/message): the default properties, or those
 * {@code $select} names (id and {@code @odata.etag} always), bodies in HTML unless the client
 * prefers text. Call under the mailbox's lock.
 */
final class MessageJson {

  /** The properties Graph returns without {@code $select}, in its order. */
  static final List<String> DEFAULT_PROPERTIES = List.of("createdDateTime", "lastModifiedDateTime", "changeKey",
      "categories", "receivedDateTime", "sentDateTime", "hasAttachments", "internetMessageId", "subject",
      "bodyPreview", "importance", "parentFolderId", "conversationId", "isDeliveryReceiptRequested",
      "isReadReceiptRequested", "isRead", "isDraft", "webLink", "inferenceClassification", "body", "sender", "from",
      "toRecipients", "ccRecipients", "bccRecipients", "replyTo", "flag");

  /** Properties Graph returns only when {@code $select} asks for them. */
  private static final List<String> SELECT_ONLY = List.of("uniqueBody", "internetMessageHeaders");

  private static final Map<String, String> CANONICAL = canonical();

  /**
   * What to show of a message: {@code select} null for the default properties.
   *
   * @param textBody whether the client prefers {@code outlook.body-content-type="text"}
   */
  record View(Set<String> select, boolean textBody, boolean expandAttachments) {

    static final View DEFAULT = new View(null, false, false);

    boolean shows(String property) {
      return select == null ? DEFAULT_PROPERTIES.contains(property) : select.contains(property);
    }
  }

  private MessageJson() {}

  private static Map<String, String> canonical() {
    Map<String, String> names = new LinkedHashMap<>();
    DEFAULT_PROPERTIES.forEach(p -> names.put(p.toLowerCase(Locale.ROOT), p));
    SELECT_ONLY.forEach(p -> names.put(p.toLowerCase(Locale.ROOT), p));
    names.put("id", "id");
    return names;
  }

  /** The properties a {@code $select} names, in Graph's spelling; null for none; 400 for one a message lacks. */
  static Set<String> select(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Set<String> selected = new LinkedHashSet<>();
    for (String name : value.split(",")) {
      String trimmed = name.trim();
      String property = CANONICAL.get(trimmed.toLowerCase(Locale.ROOT));
      if (property == null) {
        throw GraphException.unknownProperty(trimmed);
      }
      selected.add(property);
    }
    return selected;
  }

  static JsonObject message(GraphMessage m, View view) {
    JsonObject json = new JsonObject().put("@odata.etag", "W/\"" + m.changeKey() + "\"").put("id", m.id);
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("createdDateTime", time(m.created));
    values.put("lastModifiedDateTime", time(m.lastModified));
    values.put("changeKey", m.changeKey());
    values.put("categories", new JsonArray(List.copyOf(m.categories)));
    values.put("receivedDateTime", time(m.draft ? m.created : m.received));
    values.put("sentDateTime", time(m.sent != null ? m.sent : m.created));
    values.put("hasAttachments", m.hasAttachments());
    values.put("internetMessageId", m.internetMessageId);
    values.put("subject", m.subject);
    values.put("bodyPreview", BodyText.preview(m.body));
    values.put("importance", m.importance);
    values.put("parentFolderId", m.folderId);
    values.put("conversationId", m.conversationId);
    values.put("isDeliveryReceiptRequested", m.deliveryReceiptRequested);
    values.put("isReadReceiptRequested", m.readReceiptRequested);
    values.put("isRead", m.read);
    values.put("isDraft", m.draft);
    values.put("webLink", "https://outlook.office365.com/owa/?ItemID="
        + URLEncoder.encode(m.id, StandardCharsets.UTF_8) + "&exvsurl=1&viewmodel=ReadMessageItem");
    values.put("inferenceClassification", "focused");
    values.put("body", body(m.body, view.textBody()));
    values.put("sender", m.sender == null ? null : m.sender.toJson());
    values.put("from", m.from == null ? null : m.from.toJson());
    values.put("toRecipients", recipients(m.to));
    values.put("ccRecipients", recipients(m.cc));
    values.put("bccRecipients", recipients(m.bcc));
    values.put("replyTo", recipients(m.replyTo));
    values.put("flag", new JsonObject().put("flagStatus", m.flagStatus));
    values.put("uniqueBody", body(m.body, view.textBody()));
    JsonArray headers = new JsonArray();
    m.headers.forEach(h -> headers.add(new JsonObject().put("name", h.name()).put("value", h.value())));
    values.put("internetMessageHeaders", headers);
    values.forEach((name, value) -> {
      if (view.shows(name)) {
        json.put(name, value);
      }
    });
    if (view.expandAttachments()) {
      JsonArray attachments = new JsonArray();
      m.attachments.forEach(a -> attachments.add(attachment(a)));
      json.put("attachments", attachments);
    }
    return json;
  }

  private static JsonObject body(GraphMessage.Body body, boolean text) {
    return text ? new JsonObject().put("contentType", "text").put("content", body.asText())
        : new JsonObject().put("contentType", "html").put("content", body.asHtml());
  }

  private static JsonArray recipients(List<Recipient> recipients) {
    JsonArray json = new JsonArray();
    recipients.forEach(r -> json.add(r.toJson()));
    return json;
  }

  static JsonObject attachment(FileAttachment a) {
    return new JsonObject()
        .put("@odata.type", FileAttachment.ODATA_TYPE)
        .put("@odata.mediaContentType", a.contentType())
        .put("id", a.id())
        .put("lastModifiedDateTime", time(a.lastModified()))
        .put("name", a.name())
        .put("contentType", a.contentType())
        .put("size", a.bytes().length)
        .put("isInline", a.inline())
        .put("contentId", a.contentId())
        .put("contentLocation", null)
        .put("contentBytes", Base64.getEncoder().encodeToString(a.bytes()));
  }

  /** Graph's date-time format: UTC, whole seconds, {@code Z}. */
  static String time(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
