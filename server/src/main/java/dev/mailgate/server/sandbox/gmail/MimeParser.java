package dev.mailgate.server.sandbox.gmail;

import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses RFC 822 bytes with Jakarta Mail into the {@link ParsedMessage} the sandbox serves. */
final class MimeParser {

  private static final Session SESSION = Session.getInstance(new Properties());
  private static final Pattern MESSAGE_ID = Pattern.compile("<[^<>\\s]+>");
  private static final int SNIPPET_LENGTH = 200;

  private MimeParser() {}

  static ParsedMessage parse(byte[] raw) {
    try {
      MimeMessage message = new MimeMessage(SESSION, new SharedByteArrayInputStream(raw));
      PayloadPart payload = part(message, "");
      List<String> references = new ArrayList<>();
      ids(message.getHeader("References", " "), references);
      ids(message.getHeader("In-Reply-To", " "), references);
      List<String> recipients = new ArrayList<>();
      for (String name : List.of("To", "Cc", "Bcc")) {
        addresses(message.getHeader(name, ","), recipients);
      }
      List<String> from = new ArrayList<>();
      addresses(message.getHeader("From", ","), from);
      String messageId = Optional.ofNullable(message.getHeader("Message-ID", null)).map(String::trim).orElse("");
      Optional<Long> date = Optional.empty();
      try {
        date = Optional.ofNullable(message.getSentDate()).map(d -> d.getTime());
      } catch (MessagingException unparsable) {
        // no usable Date header
      }
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
    List<PayloadPart.Header> headers = new ArrayList<>();
    for (Enumeration<jakarta.mail.Header> all = part.getAllHeaders(); all.hasMoreElements(); ) {
      jakarta.mail.Header h = all.nextElement();
      headers.add(new PayloadPart.Header(h.getName(), decode(h.getValue())));
    }
    String mimeType = mimeType(part);
    String filename = filename(part);
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
    boolean attachment = !filename.isEmpty() || Part.ATTACHMENT.equalsIgnoreCase(disposition(part))
        || !mimeType.startsWith("text/");
    return new PayloadPart(partId, mimeType, filename, headers, body(part), attachment, List.of());
  }

  private static byte[] body(Part part) throws MessagingException, IOException {
    try (InputStream in = part.getInputStream()) {
      return in.readAllBytes();
    } catch (MessagingException | IOException undecodable) {
      InputStream raw = part instanceof MimeMessage m ? m.getRawInputStream() : ((MimeBodyPart) part).getRawInputStream();
      try (raw) {
        return raw.readAllBytes();
      }
    }
  }

  private static String mimeType(Part part) throws MessagingException {
    String header = part.getContentType();
    if (header == null || header.isBlank()) {
      return "text/plain";
    }
    try {
      return new ContentType(header).getBaseType().toLowerCase(Locale.ROOT);
    } catch (ParseException malformed) {
      int semicolon = header.indexOf(';');
      return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
  }

  private static String filename(Part part) {
    try {
      String name = part.getFileName();
      return name == null ? "" : decode(name);
    } catch (MessagingException malformed) {
      return "";
    }
  }

  private static String disposition(Part part) {
    try {
      return part.getDisposition();
    } catch (MessagingException malformed) {
      return null;
    }
  }

  private static String decode(String value) {
    String unfolded = value.replaceAll("\r?\n(?=[ \t])", "");
    try {
      return unfolded.contains("=?") ? MimeUtility.decodeText(unfolded) : unfolded;
    } catch (UnsupportedEncodingException unknownCharset) {
      return unfolded;
    }
  }

  private static String header(PayloadPart payload, String name) {
    return payload.headers().stream().filter(h -> h.name().equalsIgnoreCase(name)).map(PayloadPart.Header::value)
        .findFirst().orElse("");
  }

  private static void ids(String header, List<String> into) {
    if (header != null) {
      Matcher m = MESSAGE_ID.matcher(header);
      while (m.find()) {
        into.add(m.group());
      }
    }
  }

  private static void addresses(String header, List<String> into) {
    if (header == null) {
      return;
    }
    try {
      for (InternetAddress address : InternetAddress.parseHeader(header, false)) {
        if (address.getAddress() != null && !address.getAddress().isBlank()) {
          into.add(address.getAddress().toLowerCase(Locale.ROOT));
        }
      }
    } catch (AddressException malformed) {
      // Gmail ignores recipients it cannot parse
    }
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
    return part.mimeType().equals("text/html") ? HtmlText.strip(text) : text;
  }

  private static void readable(PayloadPart part, StringBuilder into) {
    if (part.body() != null && !part.attachment() && part.mimeType().startsWith("text/")) {
      into.append(text(part)).append('\n');
    }
    part.parts().forEach(child -> readable(child, into));
  }

  private static String snippet(PayloadPart payload) {
    Optional<PayloadPart> source = firstText(payload, "text/plain").or(() -> firstText(payload, "text/html"));
    String text = source.map(MimeParser::text).orElse("").replaceAll("\\s+", " ").trim();
    return HtmlText.escape(text.length() > SNIPPET_LENGTH ? text.substring(0, SNIPPET_LENGTH) : text);
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
