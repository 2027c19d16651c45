package dev.mailgate.server.sandbox.gmail;

import dev.mailgate.server.sandbox.HtmlText;
import dev.mailgate.server.sandbox.MimeReader;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses RFC 822 bytes (with the sandboxes' {@link MimeReader}) into the {@link ParsedMessage}
 * the Gmail sandbox serves: Gmail's payload tree, snippet and the fields search looks at.
 */
final class PayloadParser {

  private static final int SNIPPET_LENGTH = 200;
  /** What Gmail leaves out of an HTML part's text. */
  private static final Pattern HIDDEN = HtmlText.elements("style", "script", "head");

  private PayloadParser() {}

  static ParsedMessage parse(byte[] raw) {
    try {
      MimeMessage message = MimeReader.parse(raw);
      PayloadPart payload = part(message, "");
      List<String> references = new ArrayList<>();
      references.addAll(MimeReader.messageIds(message.getHeader("References", " ")));
      references.addAll(MimeReader.messageIds(message.getHeader("In-Reply-To", " ")));
      List<String> recipients = new ArrayList<>();
      for (String name : List.of("To", "Cc", "Bcc")) {
        recipients.addAll(addresses(message.getHeader(name, ",")));
      }
      List<String> from = addresses(message.getHeader("From", ","));
      String messageId = Optional.ofNullable(message.getHeader("Message-ID", null)).map(String::trim).orElse("");
      Optional<Long> date = MimeReader.sentDate(message).map(Instant::toEpochMilli);
      StringBuilder text = new StringBuilder();
      readable(payload, text);
      List<String> filenames = new ArrayList<>();
      payload.collectFilenames(filenames);
      return new ParsedMessage(payload, header(payload, "Subject"), header(payload, "From"),
          from.isEmpty() ? "" : from.get(0), header(payload, "To"), header(payload, "Cc"), header(payload, "Bcc"),
          recipients, messageId, references, snippet(payload), text.toString().toLowerCase(Locale.ROOT),
          filenames, date);
    } catch (MessagingException | IOException e) {
      throw GmailException.invalidArgument("Invalid RFC 822 message: " + e.getMessage());
    }
  }

  private static PayloadPart part(Part part, String partId) throws MessagingException, IOException {
    List<PayloadPart.Header> headers = MimeReader.headers(part, PayloadPart.Header::new);
    String mimeType = mimeType(part);
    String filename = MimeReader.filename(part).map(MimeReader::decode).orElse("");
    if (mimeType.startsWith("multipart/")) {
      try {
        MimeMultipart multipart = new MimeMultipart(part.getDataHandler().getDataSource());
        List<PayloadPart> children = new ArrayList<>();
        for (int i = 0; i < multipart.getCount(); i++) {
          children.add(part(multipart.getBodyPart(i), partId.isEmpty() ? String.valueOf(i) : partId + "." + i));
        }
        return new PayloadPart(partId, mimeType, filename, headers, null, false, children);
      } catch (MessagingException broken) {
        // served as a leaf, like a part whose boundary never appears
      }
    }
    boolean attachment = !filename.isEmpty() || Part.ATTACHMENT.equalsIgnoreCase(MimeReader.disposition(part))
        || !mimeType.startsWith("text/");
    return new PayloadPart(partId, mimeType, filename, headers, body(part), attachment, List.of());
  }

  private static byte[] body(Part part) throws MessagingException, IOException {
    try {
      return MimeReader.bytes(part);
    } catch (MessagingException | IOException undecodable) {
      InputStream raw = part instanceof MimeMessage m ? m.getRawInputStream() : ((MimeBodyPart) part).getRawInputStream();
      try (raw) {
        return raw.readAllBytes();
      }
    }
  }

  /** The media type; for a Content-Type that does not parse, whatever stands before its parameters. */
  private static String mimeType(Part part) throws MessagingException {
    Optional<String> parsed = MimeReader.mediaType(part);
    if (parsed.isPresent()) {
      return parsed.get();
    }
    String header = part.getContentType();
    int semicolon = header.indexOf(';');
    return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  private static String header(PayloadPart payload, String name) {
    return payload.headers().stream().filter(h -> h.name().equalsIgnoreCase(name)).map(PayloadPart.Header::value)
        .findFirst().orElse("");
  }

  /** The addresses of a header, lower case; Gmail ignores those it cannot parse. */
  private static List<String> addresses(String header) {
    return MimeReader.addresses(header).stream().map(a -> a.getAddress().toLowerCase(Locale.ROOT)).toList();
  }

  /** The text of an inline text leaf, decoded with its charset; HTML loses its markup. */
  static String text(PayloadPart part) {
    String charsetName = part.headers().stream().filter(h -> h.name().equalsIgnoreCase("Content-Type")).findFirst()
        .map(h -> {
          try {
            return new ContentType(h.value()).getParameter("charset");
          } catch (ParseException malformed) {
            return null;
          }
        }).orElse(null);
    Charset charset = StandardCharsets.UTF_8;
    try {
      if (charsetName != null && !charsetName.equalsIgnoreCase("us-ascii")) {
        charset = Charset.forName(MimeUtility.javaCharset(charsetName));
      }
    } catch (IllegalArgumentException unknown) {
      // UTF-8 it is
    }
    String text = new String(part.body(), charset);
    return part.mimeType().equals("text/html") ? HtmlText.text(text, HIDDEN, " ") : text;
  }

  private static void readable(PayloadPart part, StringBuilder into) {
    if (part.body() != null && !part.attachment() && part.mimeType().startsWith("text/")) {
      into.append(text(part)).append('\n');
    }
    part.parts().forEach(child -> readable(child, into));
  }

  private static String snippet(PayloadPart payload) {
    Optional<PayloadPart> source = firstText(payload, "text/plain").or(() -> firstText(payload, "text/html"));
    String text = source.map(PayloadParser::text).orElse("").replaceAll("\\s+", " ").trim();
    return HtmlText.escapeWithApostrophes(text.length() > SNIPPET_LENGTH ? text.substring(0, SNIPPET_LENGTH) : text);
  }

  private static Optional<PayloadPart> firstText(PayloadPart part, String mimeType) {
    if (part.body() != null && !part.attachment() && part.mimeType().equals(mimeType)) {
      return Optional.of(part);
    }
    for (PayloadPart child : part.parts()) {
      Optional<PayloadPart> found = firstText(child, mimeType);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }
}
