package dev.mailgate.server.sandbox;

import jakarta.mail.Header;
import jakarta.mail.MessagingException;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads RFC 822 bytes with Jakarta Mail for both sandboxes: the message, its headers decoded,
 * message ids, addresses, dates and the parts' types, names and bytes. Each sandbox builds its
 * provider's view from these (Gmail's payload tree, Exchange's body and attachments).
 */
public final class MimeReader {

  private static final Session SESSION = Session.getInstance(new Properties());
  private static final Pattern MESSAGE_ID = Pattern.compile("<[^<>\\s]+>");

  private MimeReader() {}

  /** The message of {@code raw}; its parts are parsed when asked for. */
  public static MimeMessage parse(byte[] raw) throws MessagingException {
    return new MimeMessage(SESSION, new SharedByteArrayInputStream(raw));
  }

  /** Every header of a part in order, as {@code header(name, value)} with the value {@link #decode decoded}. */
  public static <T> List<T> headers(Part part, BiFunction<String, String, T> header) throws MessagingException {
    List<T> headers = new ArrayList<>();
    for (Enumeration<Header> all = part.getAllHeaders(); all.hasMoreElements(); ) {
      Header h = all.nextElement();
      headers.add(header.apply(h.getName(), decode(h.getValue())));
    }
    return headers;
  }

  /** A header value unfolded, with its RFC 2047 encoded words decoded ({@code ""} for null). */
  public static String decode(String value) {
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

  /** The message ids, angle brackets included, that a header value names in order (none for null). */
  public static List<String> messageIds(String header) {
    List<String> ids = new ArrayList<>();
    if (header != null) {
      Matcher m = MESSAGE_ID.matcher(header);
      while (m.find()) {
        ids.add(m.group());
      }
    }
    return List.copyOf(ids);
  }

  /** The addresses of an address header's value (null for none) that have one; none if it does not parse. */
  public static List<InternetAddress> addresses(String header) {
    List<InternetAddress> addresses = new ArrayList<>();
    if (header == null) {
      return addresses;
    }
    try {
      for (InternetAddress address : InternetAddress.parseHeader(header, false)) {
        if (address.getAddress() != null && !address.getAddress().isBlank()) {
          addresses.add(address);
        }
      }
    } catch (AddressException malformed) {
      // the providers drop recipients they cannot parse
    }
    return addresses;
  }

  /** The Date header, if there is one that parses. */
  public static Optional<Instant> sentDate(MimeMessage message) {
    try {
      return Optional.ofNullable(message.getSentDate()).map(date -> date.toInstant());
    } catch (MessagingException unparsable) {
      return Optional.empty();
    }
  }

  /**
   * A part's media type in lower case without parameters: {@code text/plain} without a
   * Content-Type, empty for one that does not parse.
   */
  public static Optional<String> mediaType(Part part) throws MessagingException {
    String header = part.getContentType();
    if (header == null || header.isBlank()) {
      return Optional.of("text/plain");
    }
    try {
      return Optional.of(new ContentType(header).getBaseType().toLowerCase(Locale.ROOT));
    } catch (ParseException malformed) {
      return Optional.empty();
    }
  }

  /** A part's file name as written (not yet {@link #decode decoded}); empty for none or a malformed header. */
  public static Optional<String> filename(Part part) {
    try {
      return Optional.ofNullable(part.getFileName());
    } catch (MessagingException malformed) {
      return Optional.empty();
    }
  }

  /** A part's Content-Disposition ({@code inline}, {@code attachment}), or null for none or a malformed one. */
  public static String disposition(Part part) {
    try {
      return part.getDisposition();
    } catch (MessagingException malformed) {
      return null;
    }
  }

  /** The bytes of a leaf part, its transfer encoding undone. */
  public static byte[] bytes(Part part) throws MessagingException, IOException {
    try (InputStream in = part.getInputStream()) {
      return in.readAllBytes();
    }
  }
}
