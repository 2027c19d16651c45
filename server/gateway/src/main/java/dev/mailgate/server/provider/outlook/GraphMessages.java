package dev.mailgate.server.provider.outlook;

import dev.mailgate.server.mail.AttachmentInfo;
import dev.mailgate.server.mail.Header;
import dev.mailgate.server.mail.MailAddress;
import dev.mailgate.server.mail.MessageDetail;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.mail.OutgoingMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Graph's message resource to domain messages, and domain content to Graph's message JSON. */
final class GraphMessages {

  /** The fields a summary needs. */
  static final String SUMMARY_FIELDS = "id,conversationId,internetMessageId,subject,bodyPreview,from,toRecipients,"
      + "ccRecipients,bccRecipients,receivedDateTime,hasAttachments,isRead,isDraft,parentFolderId,flag,categories";

  private GraphMessages() {}

  static MessageSummary summary(JsonObject message, Map<String, String> labelOfFolder) {
    List<String> labels = new ArrayList<>();
    String folder = labelOfFolder.get(message.getString("parentFolderId", ""));
    if (folder != null) {
      labels.add(folder);
    } else if (message.getString("parentFolderId") != null) {
      labels.add(message.getString("parentFolderId"));
    }
    if (!message.getBoolean("isRead", true)) {
      labels.add("UNREAD");
    }
    if ("flagged".equals(message.getJsonObject("flag", new JsonObject()).getString("flagStatus"))) {
      labels.add("STARRED");
    }
    message.getJsonArray("categories", new JsonArray()).forEach(c -> labels.add(OutlookProvider.CATEGORY + c));
    List<MailAddress> from = addresses(message.getJsonObject("from") == null ? new JsonArray()
        : new JsonArray().add(message.getJsonObject("from")));
    return new MessageSummary(
        message.getString("id"),
        message.getString("conversationId", ""),
        from.isEmpty() ? MailAddress.of("") : from.get(0),
        addresses(message.getJsonArray("toRecipients", new JsonArray())),
        message.getString("subject", ""),
        message.getString("bodyPreview", ""),
        List.copyOf(labels),
        Instant.parse(message.getString("receivedDateTime", message.getString("createdDateTime", "1970-01-01T00:00:00Z"))),
        message.getBoolean("hasAttachments", false));
  }

  /** A message with its text and HTML bodies (read from its MIME) and attachment list. */
  static MessageDetail detail(JsonObject message, String textBody, String htmlBody, List<AttachmentInfo> attachments,
      Map<String, String> labelOfFolder) {
    List<Header> headers = new ArrayList<>();
    message.getJsonArray("internetMessageHeaders", new JsonArray()).forEach(h -> {
      JsonObject header = (JsonObject) h;
      headers.add(new Header(header.getString("name"), header.getString("value")));
    });
    return new MessageDetail(summary(message, labelOfFolder), headers,
        addresses(message.getJsonArray("ccRecipients", new JsonArray())),
        addresses(message.getJsonArray("bccRecipients", new JsonArray())),
        textBody, htmlBody, attachments, new byte[0], message.getString("internetMessageId", ""));
  }

  static AttachmentInfo attachment(JsonObject attachment) {
    return new AttachmentInfo(attachment.getString("id"), attachment.getString("name", ""),
        attachment.getString("contentType", "application/octet-stream"), attachment.getLong("size", 0L),
        attachment.getBoolean("isInline", false) ? attachment.getString("contentId", "") : "");
  }

  /** Draft content as Graph's message JSON (recipients, subject, body, file attachments). */
  static JsonObject draft(OutgoingMessage message) {
    boolean html = !message.htmlBody().isEmpty();
    JsonObject json = new JsonObject()
        .put("subject", message.subject())
        .put("body", new JsonObject().put("contentType", html ? "html" : "text")
            .put("content", html ? message.htmlBody() : message.textBody()))
        .put("toRecipients", recipients(message.to()))
        .put("ccRecipients", recipients(message.cc()))
        .put("bccRecipients", recipients(message.bcc()));
    JsonArray attachments = new JsonArray();
    message.attachments().forEach(a -> attachments.add(new JsonObject()
        .put("@odata.type", "#microsoft.graph.fileAttachment")
        .put("name", a.filename())
        .put("contentType", a.mimeType().isBlank() ? "application/octet-stream" : a.mimeType())
        .put("isInline", !a.contentId().isBlank())
        .put("contentId", a.contentId().isBlank() ? null : a.contentId())
        .put("contentBytes", java.util.Base64.getEncoder().encodeToString(a.data()))));
    if (!attachments.isEmpty()) {
      json.put("attachments", attachments);
    }
    return json;
  }

  static List<MailAddress> addresses(JsonArray recipients) {
    List<MailAddress> result = new ArrayList<>();
    recipients.forEach(r -> {
      JsonObject address = ((JsonObject) r).getJsonObject("emailAddress", new JsonObject());
      result.add(new MailAddress(address.getString("address", ""), address.getString("name", "")));
    });
    return result;
  }

  private static JsonArray recipients(List<MailAddress> addresses) {
    JsonArray array = new JsonArray();
    addresses.forEach(a -> array.add(new JsonObject().put("emailAddress",
        new JsonObject().put("address", a.address()).put("name", a.name().isBlank() ? a.address() : a.name()))));
    return array;
  }

  /** The value of an {@code internetMessageHeaders} entry, or "". */
  static String header(JsonObject message, String name) {
    for (Object h : message.getJsonArray("internetMessageHeaders", new JsonArray())) {
      JsonObject header = (JsonObject) h;
      if (name.equalsIgnoreCase(header.getString("name"))) {
        return header.getString("value", "");
      }
    }
    return "";
  }
}
