package dev.mailgate.server.sandbox.gmail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Gmail's JSON for messages, threads and drafts
 * (https://developers.google.com/gmail/api/reference/rest/v1/users.messages#Message). Call under
 * the mailbox's lock: labels are read as they are now.
 */
final class MessageViews {

  private static final String ATTACHMENT_PREFIX = "ANGjdJ";
  private static final List<String> FORMATS = List.of("minimal", "metadata", "full", "raw");

  private MessageViews() {}

  /** The {@code format} parameter, {@code full} when absent; 400 for anything Gmail does not know. */
  static String format(String requested) {
    if (requested == null || requested.isEmpty()) {
      return "full";
    }
    String format = requested.toLowerCase(Locale.ROOT);
    if (!FORMATS.contains(format)) {
      throw GmailException.invalidArgument("Invalid value at 'format' (type.googleapis.com/google.apps.gmail.v1"
          + ".Format), \"" + requested + "\"");
    }
    return format;
  }

  static JsonObject reference(StoredMessage m) {
    return new JsonObject().put("id", m.id()).put("threadId", m.threadId());
  }

  /** What send, modify, trash and untrash answer: id, threadId and labelIds. */
  static JsonObject labelled(StoredMessage m) {
    JsonObject json = reference(m);
    if (!m.labels().isEmpty()) {
      json.put("labelIds", new JsonArray(m.labelList()));
    }
    return json;
  }

  static JsonObject message(StoredMessage m, String format, List<String> metadataHeaders) {
    JsonObject json = labelled(m).put("snippet", m.parsed().snippet());
    switch (format) {
      case "metadata" -> {
        PayloadPart payload = m.parsed().payload();
        json.put("payload", new JsonObject().put("partId", "").put("mimeType", payload.mimeType())
            .put("filename", payload.filename()).put("headers", headers(payload.headers(), metadataHeaders)));
      }
      case "full" -> json.put("payload", part(m.parsed().payload(), m.id()));
      default -> { }
    }
    json.put("sizeEstimate", m.raw().length);
    if (format.equals("raw")) {
      json.put("raw", Ids.base64Url(m.raw()));
    }
    return json.put("historyId", Long.toString(m.historyId())).put("internalDate", Long.toString(m.internalDate()));
  }

  private static JsonObject part(PayloadPart part, String messageId) {
    JsonObject body = new JsonObject();
    if (part.body() == null) {
      body.put("size", 0);
    } else if (part.attachment()) {
      body.put("attachmentId", attachmentId(messageId, part.partId())).put("size", part.body().length);
    } else {
      body.put("size", part.body().length);
      if (part.body().length > 0) {
        body.put("data", Ids.base64Url(part.body()));
      }
    }
    JsonObject json = new JsonObject().put("partId", part.partId()).put("mimeType", part.mimeType())
        .put("filename", part.filename()).put("headers", headers(part.headers(), List.of())).put("body", body);
    if (!part.parts().isEmpty()) {
      JsonArray parts = new JsonArray();
      part.parts().forEach(child -> parts.add(part(child, messageId)));
      json.put("parts", parts);
    }
    return json;
  }

  private static JsonArray headers(List<PayloadPart.Header> headers, List<String> only) {
    JsonArray json = new JsonArray();
    for (PayloadPart.Header header : headers) {
      if (only.isEmpty() || only.stream().anyMatch(name -> name.equalsIgnoreCase(header.name()))) {
        json.add(new JsonObject().put("name", header.name()).put("value", header.value()));
      }
    }
    return json;
  }

  /** A thread as {@code threads.get} shows it: its messages oldest first. */
  static JsonObject thread(List<StoredMessage> messages, String format, List<String> metadataHeaders) {
    JsonArray json = new JsonArray();
    messages.forEach(m -> json.add(message(m, format, metadataHeaders)));
    long historyId = messages.stream().mapToLong(StoredMessage::historyId).max().orElse(0);
    return new JsonObject().put("id", messages.get(0).threadId()).put("historyId", Long.toString(historyId))
        .put("messages", json);
  }

  /** A thread as {@code threads.list} shows it: id, the latest message's snippet, historyId. */
  static JsonObject threadSummary(List<StoredMessage> messages) {
    StoredMessage latest = messages.get(messages.size() - 1);
    long historyId = messages.stream().mapToLong(StoredMessage::historyId).max().orElse(0);
    return new JsonObject().put("id", latest.threadId()).put("snippet", latest.parsed().snippet())
        .put("historyId", Long.toString(historyId));
  }

  static JsonObject draft(Mailbox.DraftRef draft, JsonObject message) {
    return new JsonObject().put("id", draft.id()).put("message", message);
  }

  static String attachmentId(String messageId, String partId) {
    return ATTACHMENT_PREFIX + Base64.getUrlEncoder().withoutPadding()
        .encodeToString((messageId + ":" + partId).getBytes(StandardCharsets.US_ASCII));
  }

  /** The part an attachment id names, if it was made for {@code messageId}. */
  static Optional<String> partOf(String attachmentId, String messageId) {
    if (!attachmentId.startsWith(ATTACHMENT_PREFIX)) {
      return Optional.empty();
    }
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(attachmentId.substring(ATTACHMENT_PREFIX.length())),
          StandardCharsets.US_ASCII);
      int colon = decoded.indexOf(':');
      return colon > 0 && decoded.substring(0, colon).equals(messageId) ? Optional.of(decoded.substring(colon + 1))
          : Optional.empty();
    } catch (IllegalArgumentException malformed) {
      return Optional.empty();
    }
  }
}
