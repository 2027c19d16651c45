package dev.mailgate.server.sandbox.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the {@code message} JSON clients send (to create a draft, to sendMail, to PATCH) into a
 * {@link GraphMessage}, with Graph's checks: unknown properties and wrong types are 400
 * RequestBodyRead, read-only properties are ignored, custom headers must start with {@code x-}.
 */
final class MessageInput {

  private static final Set<String> READ_ONLY = Set.of("id", "createdDateTime", "lastModifiedDateTime", "changeKey",
      "receivedDateTime", "sentDateTime", "hasAttachments", "bodyPreview", "parentFolderId", "conversationId",
      "conversationIndex", "isDraft", "webLink", "uniqueBody");
  private static final Set<String> IMPORTANCE = Set.of("low", "normal", "high");
  private static final Set<String> FLAG_STATUS = Set.of("notflagged", "complete", "flagged");

  private MessageInput() {}

  /**
   * Sets the properties {@code json} has on {@code m}; attachments only where Graph takes them
   * inline ({@code attachmentsAllowed}). Returns whether content the MIME carries changed.
   */
  static boolean apply(JsonObject json, GraphMessage m, boolean attachmentsAllowed) {
    boolean content = false;
    for (String name : json.fieldNames()) {
      Object value = json.getValue(name);
      switch (name) {
        case "subject" -> m.subject = value == null ? "" : string(name, value);
        case "body" -> m.body = body(object(name, value));
        case "toRecipients" -> m.to = recipients(name, value);
        case "ccRecipients" -> m.cc = recipients(name, value);
        case "bccRecipients" -> m.bcc = recipients(name, value);
        case "replyTo" -> m.replyTo = recipients(name, value);
        case "from" -> m.from = value == null ? null : recipient(name, value);
        case "sender" -> m.sender = value == null ? null : recipient(name, value);
        case "importance" -> m.importance = choice(name, value, IMPORTANCE);
        case "internetMessageId" -> m.internetMessageId = string(name, value);
        case "internetMessageHeaders" -> m.headers = headers(value);
        case "attachments" -> {
          if (!attachmentsAllowed) {
            throw invalid(name);
          }
          m.attachments.clear();
          for (Object item : array(name, value)) {
            m.attachments.add(attachment(object(name, item), m.now()));
          }
        }
        case "isRead", "isDeliveryReceiptRequested", "isReadReceiptRequested", "flag", "categories",
            "inferenceClassification" -> {
          state(m, name, value);
          continue;
        }
        default -> {
          if (READ_ONLY.contains(name) || name.startsWith("@odata.")) {
            continue;
          }
          throw new GraphException(400, "RequestBodyRead", "The property '" + name + "' does not exist on type "
              + "'microsoft.graph.message'. Make sure to only use property names that are defined by the type.");
        }
      }
      content = true;
    }
    return content;
  }

  private static void state(GraphMessage m, String name, Object value) {
    switch (name) {
      case "isRead" -> m.read = bool(name, value);
      case "isDeliveryReceiptRequested" -> m.deliveryReceiptRequested = bool(name, value);
      case "isReadReceiptRequested" -> m.readReceiptRequested = bool(name, value);
      case "flag" -> {
        String status = string("flagStatus", object(name, value).getValue("flagStatus"));
        String lower = status == null ? "" : status.toLowerCase(Locale.ROOT);
        if (!FLAG_STATUS.contains(lower)) {
          throw invalid("flagStatus");
        }
        m.flagStatus = lower.equals("notflagged") ? "notFlagged" : lower;
      }
      case "categories" -> {
        List<String> categories = new ArrayList<>();
        array(name, value).forEach(item -> categories.add(string(name, item)));
        m.categories = List.copyOf(categories);
      }
      default -> { }
    }
  }

  /** A {@code #microsoft.graph.fileAttachment} as clients post it, with its {@code contentBytes}. */
  static FileAttachment attachment(JsonObject json, Instant now) {
    String type = json.getValue("@odata.type") instanceof String s ? s.replaceFirst("^#", "") : "";
    if (!type.equalsIgnoreCase("microsoft.graph.fileAttachment")) {
      throw new GraphException(400, "RequestBodyRead", "An attachment needs \"@odata.type\": "
          + "\"#microsoft.graph.fileAttachment\" (the sandbox keeps file attachments only).");
    }
    String name = string("name", json.getValue("name"));
    String bytes = string("contentBytes", json.getValue("contentBytes"));
    String contentType = string("contentType", json.getValue("contentType"));
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(bytes == null ? "" : bytes.replaceAll("\\s+", ""));
    } catch (IllegalArgumentException malformed) {
      throw invalid("contentBytes");
    }
    Object inline = json.getValue("isInline");
    return new FileAttachment(Ids.attachmentId(), name == null ? "" : name,
        contentType == null || contentType.isBlank() ? "application/octet-stream" : contentType, decoded,
        inline != null && bool("isInline", inline), string("contentId", json.getValue("contentId")),
        now);
  }

  private static GraphMessage.Body body(JsonObject json) {
    if (json == null) {
      return GraphMessage.Body.EMPTY;
    }
    String type = string("contentType", json.getValue("contentType"));
    String content = string("content", json.getValue("content"));
    String lower = type == null ? "text" : type.toLowerCase(Locale.ROOT);
    if (!lower.equals("text") && !lower.equals("html")) {
      throw invalid("contentType");
    }
    return new GraphMessage.Body(lower, content == null ? "" : content);
  }

  private static List<GraphMessage.Header> headers(Object value) {
    List<GraphMessage.Header> headers = new ArrayList<>();
    for (Object item : array("internetMessageHeaders", value)) {
      JsonObject header = object("internetMessageHeaders", item);
      String name = string("name", header.getValue("name"));
      if (name == null || !name.toLowerCase(Locale.ROOT).startsWith("x-")) {
        throw new GraphException(400, "InvalidInternetMessageHeader",
            "The internet message header name '" + name + "' should start with 'x-' or 'X-'.");
      }
      String headerValue = string("value", header.getValue("value"));
      headers.add(new GraphMessage.Header(name, headerValue == null ? "" : headerValue));
    }
    return List.copyOf(headers);
  }

  private static List<Recipient> recipients(String name, Object value) {
    List<Recipient> recipients = new ArrayList<>();
    if (value != null) {
      array(name, value).forEach(item -> recipients.add(recipient(name, item)));
    }
    return List.copyOf(recipients);
  }

  private static Recipient recipient(String name, Object value) {
    JsonObject email = object(name, object(name, value).getValue("emailAddress"));
    if (email == null) {
      throw invalid(name);
    }
    return new Recipient(string("name", email.getValue("name")), string("address", email.getValue("address")));
  }

  private static String choice(String name, Object value, Set<String> allowed) {
    String s = string(name, value);
    String lower = s == null ? "" : s.toLowerCase(Locale.ROOT);
    if (!allowed.contains(lower)) {
      throw invalid(name);
    }
    return lower;
  }

  private static String string(String name, Object value) {
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw invalid(name);
  }

  private static boolean bool(String name, Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    throw invalid(name);
  }

  private static JsonObject object(String name, Object value) {
    if (value == null || value instanceof JsonObject) {
      return (JsonObject) value;
    }
    throw invalid(name);
  }

  private static JsonArray array(String name, Object value) {
    if (value instanceof JsonArray array) {
      return array;
    }
    throw invalid(name);
  }

  private static GraphException invalid(String property) {
    return new GraphException(400, "RequestBodyRead", "Invalid value for property '" + property + "'.");
  }
}
