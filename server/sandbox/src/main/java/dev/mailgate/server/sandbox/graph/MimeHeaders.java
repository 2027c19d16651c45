package dev.mailgate.server.sandbox.graph;

import dev.mailgate.server.sandbox.HeaderBlock;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MailDateFormat;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Header edits on raw RFC 822 bytes that leave the body byte for byte as it was: what Exchange
 * adds to a MIME message it is asked to send (From, Message-ID and Date when missing) and takes
 * off the copies it delivers (Bcc).
 */
final class MimeHeaders {

  private MimeHeaders() {}

  /** The message with From, Message-ID and Date added where it has none. */
  static byte[] completed(byte[] raw, Recipient from, String messageId, Instant date) {
    InternetHeaders headers;
    try {
      headers = new InternetHeaders(new ByteArrayInputStream(raw));
    } catch (MessagingException malformed) {
      throw new GraphException(400, "ErrorMimeContentInvalid",
          "The MIME content is invalid: " + malformed.getMessage());
    }
    List<String> added = new ArrayList<>();
    if (headers.getHeader("From") == null) {
      added.add("From: " + from.toInternetAddress().toString());
    }
    if (headers.getHeader("Message-ID") == null) {
      added.add("Message-ID: " + messageId);
    }
    if (headers.getHeader("Date") == null) {
      added.add("Date: " + new MailDateFormat().format(Date.from(date)));
    }
    return added.isEmpty() ? raw : rewrite(raw, Set.of(), added);
  }

  /** The copy delivered to recipients: without its Bcc header. */
  static byte[] withoutBcc(byte[] raw) {
    return HeaderBlock.withoutBcc(raw);
  }

  private static byte[] rewrite(byte[] raw, Set<String> removed, List<String> added) {
    return HeaderBlock.rewrite(raw, removed, added);
  }
}
