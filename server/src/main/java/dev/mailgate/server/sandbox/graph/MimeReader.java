package dev.mailgate.server.sandbox.graph;

import jakarta.mail.BodyPart;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns RFC 822 bytes into a {@link GraphMessage} the way Exchange does on delivery: headers into
 * properties, the HTML part (else the text part) into the body, every other leaf into a file
 * attachment, inline when it is shown in the body.
 */
final class MimeReader {

  private static final Session SESSION = Session.getInstance(new Properties());
  private static final Pattern MESSAGE_ID = Pattern.compile("<[^<>\\s]+>");

  private MimeReader() {}

  /** A new message (fresh id) with the content of {@code raw}; 400 ErrorMimeContentInvalid if it does not parse. */
  static GraphMessage read(byte[] raw, Clock clock) {
    try {
      MimeMessage mime = new MimeMessage(SESSION, new SharedByteArrayInputStream(raw));
      GraphMessage m = new GraphMessage(Ids.messageId(), clock);
      m.mime = raw;
      m.subject = decode(header(mime, "Subject"));
      List<Recipient> from = addresses(mime, "From");
      m.from = from.isEmpty() ? null : from.get(0);
      List<Recipient> sender = addresses(mime, "Sender");
      m.sender = sender.isEmpty() ? m.from : sender.get(0);
      m.to = addresses(mime, "To");
      m.cc = addresses(mime, "Cc");
      m.bcc = addresses(mime, "Bcc");
      m.replyTo = addresses(mime, "Reply-To");
      m.internetMessageId = ids(header(mime, "Message-ID")).stream().findFirst().orElse("");
      m.inReplyTo = ids(header(mime, "In-Reply-To")).stream().findFirst().orElse(null);
      m.references = ids(header(mime, "References"));
      m.importance = importance(header(mime, "Importance"), header(mime, "X-Priority"));
      m.sent = sentDate(mime);
      List<GraphMessage.Header> headers = new ArrayList<>();
      for (Enumeration<Header> all = mime.getAllHeaders(); all.hasMoreElements(); ) {
        Header h = all.nextElement();
        headers.add(new GraphMessage.Header(h.getName(), decode(h.getValue())));
      }
      m.headers = List.copyOf(headers);
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
      String type = baseType(part);
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
      String disposition = disposition(part);
      boolean attachment = filename != null || Part.ATTACHMENT.equalsIgnoreCase(disposition);
      if (!attachment && type.equals("text/html") && html == null) {
        html = textOf(part);
      } else if (!attachment && type.equals("text/plain") && text == null) {
        text = textOf(part);
      } else {
        String contentId = ids(header(part, "Content-ID")).stream().findFirst()
            .map(id -> id.substring(1, id.length() - 1)).orElse(null);
        boolean inline = Part.INLINE.equalsIgnoreCase(disposition) || (disposition == null && contentId != null);
        String name = filename != null ? filename : contentId != null ? contentId : "attachment";
        attachments.add(new FileAttachment(Ids.attachmentId(), name, type, bytes(part), inline, contentId,
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
    return new String(bytes(part), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(Part part) throws MessagingException, IOException {
    try (InputStream in = part.getInputStream()) {
      return in.readAllBytes();
    }
  }

  private static String baseType(Part part) throws MessagingException {
    String header = part.getContentType();
    if (header == null || header.isBlank()) {
      return "text/plain";
    }
    try {
      return new ContentType(header).getBaseType().toLowerCase(Locale.ROOT);
    } catch (ParseException malformed) {
      return "application/octet-stream";
    }
  }

  private static String filename(Part part) {
    try {
      String name = part.getFileName();
      return name == null || name.isBlank() ? null : decode(name);
    } catch (MessagingException malformed) {
      return null;
    }
  }

  private static String disposition(Part part) {
    try {
      return part.getDisposition();
    } catch (MessagingException malformed) {
      return null;
    }
  }

  private static String header(Part part, String name) throws MessagingException {
    String[] values = part.getHeader(name);
    return values == null || values.length == 0 ? null : values[0];
  }

  private static String decode(String value) {
    if (value == null) {
      return "";
    }
    String unfolded = value.replaceAll("\r?\n(?=[ \t])", "");
    try {
      return unfolded.contains("=?") ? MimeUtility.decodeText(unfolded) : unfolded;
    } catch (UnsupportedEncodingException unknownCharset) {
      return unfolded;
    }
  }

  private static List<String> ids(String header) {
    List<String> ids = new ArrayList<>();
    if (header != null) {
      Matcher m = MESSAGE_ID.matcher(header);
      while (m.find()) {
        ids.add(m.group());
      }
    }
    return List.copyOf(ids);
  }

  private static List<Recipient> addresses(MimeMessage mime, String name) throws MessagingException {
    String header = mime.getHeader(name, ",");
    List<Recipient> recipients = new ArrayList<>();
    if (header == null) {
      return recipients;
    }
    try {
      for (InternetAddress address : InternetAddress.parseHeader(header, false)) {
        if (address.getAddress() != null && !address.getAddress().isBlank()) {
          recipients.add(new Recipient(address.getPersonal(), address.getAddress()));
        }
      }
    } catch (AddressException malformed) {
      // Exchange drops recipients it cannot parse
    }
    return List.copyOf(recipients);
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

  private static Instant sentDate(MimeMessage mime) {
    try {
      Date date = mime.getSentDate();
      return date == null ? null : date.toInstant();
    } catch (MessagingException unparsable) {
      return null;
    }
  }
}
