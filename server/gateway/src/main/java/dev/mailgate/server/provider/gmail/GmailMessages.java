package dev.mailgate.server.provider.gmail;

import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePart;
import com.google.api.services.gmail.model.MessagePartHeader;
import dev.mailgate.server.mail.AttachmentInfo;
import dev.mailgate.server.mail.Header;
import dev.mailgate.server.mail.MailAddress;
import dev.mailgate.server.mail.MessageDetail;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.mail.MessageView;
import dev.mailgate.server.mail.MimeReader;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Gmail's Message resource (format metadata, full or raw) to domain messages. */
final class GmailMessages {

  /** The headers asked for in the METADATA format and in summaries. */
  static final List<String> SUMMARY_HEADERS = List.of("From", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID",
      "References", "In-Reply-To");

  private GmailMessages() {}

  static MessageSummary summary(Message message) {
    MessagePart payload = message.getPayload();
    List<MessagePartHeader> headers = payload == null || payload.getHeaders() == null ? List.of() : payload.getHeaders();
    List<MailAddress> from = addresses(header(headers, "From").orElse(""));
    return new MessageSummary(
        message.getId(),
        nullToEmpty(message.getThreadId()),
        from.isEmpty() ? MailAddress.of("") : from.get(0),
        addresses(header(headers, "To").orElse("")),
        header(headers, "Subject").orElse(""),
        nullToEmpty(message.getSnippet()),
        message.getLabelIds() == null ? List.of() : List.copyOf(message.getLabelIds()),
        message.getInternalDate() == null ? Instant.EPOCH : Instant.ofEpochMilli(message.getInternalDate()),
        payload != null && hasAttachments(payload));
  }

  static MessageDetail detail(Message message, MessageView view) {
    MessageSummary summary = summary(message);
    if (view == MessageView.RAW) {
      return new MessageDetail(summary, List.of(), List.of(), List.of(), "", "", List.of(), message.decodeRaw(),
          "");
    }
    List<MessagePartHeader> raw = message.getPayload().getHeaders() == null ? List.of() : message.getPayload().getHeaders();
    List<Header> headers = raw.stream().map(h -> new Header(h.getName(), h.getValue())).toList();
    Bodies bodies = new Bodies();
    if (view == MessageView.FULL) {
      bodies.collect(message.getPayload());
    }
    return new MessageDetail(summary, headers, addresses(header(raw, "Cc").orElse("")),
        addresses(header(raw, "Bcc").orElse("")), bodies.text, bodies.html, bodies.attachments, new byte[0],
        header(raw, "Message-ID").orElse(""));
  }

  /** The first header named {@code name} (ignoring case); a plain loop, as every search result reads three. */
  static Optional<String> header(List<MessagePartHeader> headers, String name) {
    for (MessagePartHeader header : headers) {
      if (name.equalsIgnoreCase(header.getName())) {
        return Optional.ofNullable(header.getValue());
      }
    }
    return Optional.empty();
  }

  /** The part that carries an attachment id, for its file name and type. */
  static Optional<MessagePart> partWithAttachment(MessagePart part, String attachmentId) {
    if (part.getBody() != null && attachmentId.equals(part.getBody().getAttachmentId())) {
      return Optional.of(part);
    }
    if (part.getParts() != null) {
      for (MessagePart child : part.getParts()) {
        Optional<MessagePart> found = partWithAttachment(child, attachmentId);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  private static boolean hasAttachments(MessagePart part) {
    if (part.getFilename() != null && !part.getFilename().isEmpty()) {
      return true;
    }
    if (part.getParts() == null) {
      // The METADATA format has no parts; a mixed multipart is Gmail's own sign of attachments.
      return "multipart/mixed".equalsIgnoreCase(part.getMimeType()) && part.getBody() == null;
    }
    return part.getParts().stream().anyMatch(GmailMessages::hasAttachments);
  }

  static List<MailAddress> addresses(String header) {
    if (header.isBlank()) {
      return List.of();
    }
    try {
      return MimeReader.addresses(InternetAddress.parseHeader(header, false));
    } catch (AddressException unparseable) {
      return List.of(MailAddress.of(header.trim()));
    }
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }

  /** The first text/plain and text/html bodies, and every part with a file name as an attachment. */
  private static final class Bodies {
    String text = "";
    String html = "";
    final List<AttachmentInfo> attachments = new ArrayList<>();

    void collect(MessagePart part) {
      String filename = part.getFilename() == null ? "" : part.getFilename();
      String mimeType = part.getMimeType() == null ? "" : part.getMimeType().toLowerCase();
      if (!filename.isEmpty() && part.getBody() != null && part.getBody().getAttachmentId() != null) {
        String contentId = header(part.getHeaders() == null ? List.of() : part.getHeaders(), "Content-ID")
            .orElse("").replaceAll("^<|>$", "");
        attachments.add(new AttachmentInfo(part.getBody().getAttachmentId(), filename, mimeType,
            part.getBody().getSize() == null ? 0 : part.getBody().getSize(), contentId));
      } else if (mimeType.equals("text/plain") && text.isEmpty() && part.getBody() != null && part.getBody().getData() != null) {
        text = new String(part.getBody().decodeData(), StandardCharsets.UTF_8);
      } else if (mimeType.equals("text/html") && html.isEmpty() && part.getBody() != null && part.getBody().getData() != null) {
        html = new String(part.getBody().decodeData(), StandardCharsets.UTF_8);
      }
      if (part.getParts() != null) {
        part.getParts().forEach(this::collect);
      }
    }
  }
}
