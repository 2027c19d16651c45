package dev.mailgate.server.sandbox.gmail;

import dev.mailgate.server.sandbox.HeaderBlock;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MailDateFormat;
import java.io.ByteArrayInputStream;
import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Header edits on raw RFC 822 bytes that leave the body byte for byte as it was: what Gmail does
 * to a message it sends (From set to the sender, Message-ID and Date added when missing) and to
 * the copies it delivers (Bcc removed).
 */
final class RawHeaders {

  private RawHeaders() {}

  /** The message as Gmail sends it from {@code mailbox} at {@code now}. */
  static byte[] asSentBy(byte[] raw, String mailbox, Instant now) {
    InternetHeaders headers;
    try {
      headers = new InternetHeaders(new ByteArrayInputStream(raw));
    } catch (MessagingException malformed) {
      throw GmailException.invalidArgument("Invalid RFC 822 message: " + malformed.getMessage());
    }
    List<String> added = new ArrayList<>();
    Set<String> removed = new HashSet<>();
    String from = headers.getHeader("From", ",");
    String fromLine = fromLine(from, mailbox);
    if (fromLine != null) {
      removed.add("from");
      added.add(fromLine);
    }
    if (headers.getHeader("Message-ID") == null) {
      added.add("Message-ID: <" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "."
          + Long.toHexString(System.nanoTime()) + "@mail.gmail.com>");
    }
    if (headers.getHeader("Date") == null) {
      added.add("Date: " + new MailDateFormat().format(Date.from(now)));
    }
    return added.isEmpty() && removed.isEmpty() ? raw : rewrite(raw, removed, added);
  }

  /** The From line to write, or null if the one there already names the mailbox. */
  private static String fromLine(String from, String mailbox) {
    if (from == null || from.isBlank()) {
      return "From: " + mailbox;
    }
    try {
      InternetAddress[] addresses = InternetAddress.parseHeader(from, false);
      if (addresses.length == 1 && mailbox.equalsIgnoreCase(addresses[0].getAddress())) {
        return null;
      }
      String personal = addresses.length == 1 ? addresses[0].getPersonal() : null;
      return "From: " + (personal == null ? mailbox : new InternetAddress(mailbox, personal, "UTF-8").toString());
    } catch (AddressException | UnsupportedEncodingException malformed) {
      return "From: " + mailbox;
    }
  }

  /** The copy delivered to recipients: without its Bcc header. */
  static byte[] withoutBcc(byte[] raw) {
    return HeaderBlock.withoutBcc(raw);
  }

  static byte[] rewrite(byte[] raw, Set<String> removed, List<String> added) {
    return HeaderBlock.rewrite(raw, removed, added);
  }
}
