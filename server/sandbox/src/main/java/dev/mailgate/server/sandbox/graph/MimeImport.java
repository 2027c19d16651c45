package dev.mailgate.server.sandbox.graph;

import dev.mailgate.server.sandbox.MimeReader;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns RFC 822 bytes into a {@link GraphMessage} the way Exchange does on delivery: headers into
 * properties, the HTML part (else the text part) into the body, every other leaf into a file
 * attachment, inline when it is shown in the body.
 */
final class MimeImport {

  private MimeImport() {}

  /** A new message (fresh id) with the content of {@code raw}; 400 ErrorMimeContentInvalid if it does not parse. */
  static GraphMessage read(byte[] raw, Clock clock) {
    try {
      MimeMessage mime = MimeReader.parse(raw);
      GraphMessage m = new GraphMessage(Ids.messageId(), clock);
      m.mime = raw;
      m.subject = MimeReader.decode(header(mime, "Subject"));
      List<Recipient> from = addresses(mime, "From");
      m.from = from.isEmpty() ? null : from.get(0);
      List<Recipient> sender = addresses(mime, "Sender");
      m.sender = sender.isEmpty() ? m.from : sender.get(0);
      m.to = addresses(mime, "To");
      m.cc = addresses(mime, "Cc");
      m.bcc = addresses(mime, "Bcc");
      m.replyTo = addresses(mime, "Reply-To");
      m.internetMessageId = MimeReader.messageIds(header(mime, "Message-ID")).stream().findFirst().orElse("");
      m.inReplyTo = MimeReader.messageIds(header(mime, "In-Reply-To")).stream().findFirst().orElse(null);
      m.references = MimeReader.messageIds(header(mime, "References"));
      m.importance = importance(header(mime, "Importance"), header(mime, "X-Priority"));
      m.sent = MimeReader.sentDate(mime).orElse(null);
      m.headers = List.copyOf(MimeReader.headers(mime, GraphMessage.Header::new));
      Walk walk = new Walk(m.now());
      walk.part(mime);
      m.body = walk.html != null ? new GraphMessage.Body("html", walk.html)
          : new GraphMessage.Body("text", walk.text == null ? "" : walk.text);
      m.attachments.addAll(walk.attachments);
      return m;
    } catch (MessagingException | IOException e) {
      throw new GraphException(400, "ErrorMimeContentInvalid", "The MIME content is invalid: " + e.getMessage());
    }
  }

  /** Collects the body and the attachments of a MIME tree. */
  private static final class Walk {

    final Instant now;
    String html;
    String text;
    final List<FileAttachment> attachments = new ArrayList<>();

    Walk(Instant now) {
      this.now = now;
    }

    void part(Part part) throws MessagingException, IOException {
      String type = MimeReader.mediaType(part).orElse("application/octet-stream");
      if (type.startsWith("multipart/")) {
        Object content = part.getContent();
        if (content instanceof Multipart multipart) {
          for (int i = 0; i < multipart.getCount(); i++) {
            BodyPart child = multipart.getBodyPart(i);
            part(child);
          }
          return;
        }
      }
      String filename = filename(part);
      String disposition = MimeReader.disposition(part);
      boolean attachment = filename != null || Part.ATTACHMENT.equalsIgnoreCase(disposition);
      if (!attachment && type.equals("text/html") && html == null) {
        html = textOf(part);
      } else if (!attachment && type.equals("text/plain") && text == null) {
        text = textOf(part);
      } else {
        String contentId = MimeReader.messageIds(header(part, "Content-ID")).stream().findFirst()
            .map(id -> id.substring(1, id.length() - 1)).orElse(null);
        boolean inline = Part.INLINE.equalsIgnoreCase(disposition) || (disposition == null && contentId != null);
        String name = filename != null ? filename : contentId != null ? contentId : "attachment";
        attachments.add(new FileAttachment(Ids.attachmentId(), name, type, MimeReader.bytes(part), inline, contentId,
            now));
      }
    }
  }

  private static String textOf(Part part) throws MessagingException, IOException {
    try {
      Object content = part.getContent();
      if (content instanceof String s) {
        return s;
      }
    } catch (IOException | MessagingException undecodable) {
      // read as UTF-8 below
    }
    return new String(MimeReader.bytes(part), StandardCharsets.UTF_8);
  }

  /** The decoded file name, or null for none (or a blank one). */
  private static String filename(Part part) {
    return MimeReader.filename(part).filter(name -> !name.isBlank()).map(MimeReader::decode).orElse(null);
  }

  private static String header(Part part, String name) throws MessagingException {
    String[] values = part.getHeader(name);
    return values == null || values.length == 0 ? null : values[0];
  }

  private static List<Recipient> addresses(MimeMessage mime, String name) throws MessagingException {
    // Exchange drops recipients it cannot parse.
    return MimeReader.addresses(mime.getHeader(name, ",")).stream()
        .map(address -> new Recipient(address.getPersonal(), address.getAddress())).toList();
  }

  private static String importance(String importance, String priority) {
    String value = importance != null ? importance.trim().toLowerCase(Locale.ROOT) : "";
    if (value.equals("high") || value.equals("low")) {
      return value;
    }
    if (priority != null && !priority.isBlank()) {
      char level = priority.trim().charAt(0);
      return level == '1' || level == '2' ? "high" : level == '4' || level == '5' ? "low" : "normal";
    }
    return "normal";
  }
}
