package dev.mailgate.server.sandbox.gmail;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/** Gmail-shaped identifiers, opaque page tokens and the base64url of Google's byte fields. */
final class Ids {

  private static final Pattern HEX_ID = Pattern.compile("[0-9a-f]{1,16}");
  private static final AtomicLong NEXT_MESSAGE = new AtomicLong(System.currentTimeMillis() << 20);
  private static final AtomicLong NEXT_DRAFT = new AtomicLong(1_000_000_000_000_000_000L
      + ThreadLocalRandom.current().nextLong(1_000_000_000_000_000L));

  private Ids() {}

  /** A new message id: 16 lowercase hex digits that grow with time, like Gmail's. */
  static String messageId() {
    return String.format("%016x", NEXT_MESSAGE.addAndGet(1 + ThreadLocalRandom.current().nextInt(4096)));
  }

  /** A new draft id, {@code r} and 19 digits like Gmail's. */
  static String draftId() {
    return "r" + NEXT_DRAFT.addAndGet(1 + ThreadLocalRandom.current().nextInt(1000));
  }

  /** Whether {@code id} has the shape of a message or thread id; Gmail answers 400 for anything else. */
  static boolean isMessageId(String id) {
    return id != null && HEX_ID.matcher(id).matches();
  }

  static String pageToken(int offset) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("o" + offset).getBytes(StandardCharsets.US_ASCII));
  }

  /** The offset a page token stands for; 0 for none. */
  static int offsetOf(String pageToken) {
    if (pageToken == null || pageToken.isEmpty()) {
      return 0;
    }
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.US_ASCII);
      if (decoded.startsWith("o")) {
        return Math.max(0, Integer.parseInt(decoded.substring(1)));
      }
    } catch (IllegalArgumentException malformed) {
      // answered below
    }
    throw GmailException.invalidArgument("Invalid pageToken");
  }

  /** base64url with padding, as Gmail writes {@code raw} and {@code body.data}. */
  static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().encodeToString(bytes);
  }

  /** Decodes base64url (padded or not; standard alphabet tolerated) or answers 400 like Gmail. */
  static byte[] fromBase64Url(String value, String field) {
    // Bytes, not a StringBuilder: a 25 MB message is 34 MB of text, decoded on an event loop.
    byte[] text = value.getBytes(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (byte b : text) {
      switch (b) {
        case '+' -> text[length++] = '-';
        case '/' -> text[length++] = '_';
        case '=', '\r', '\n', ' ', '\t' -> { }
        default -> text[length++] = b;
      }
    }
    try {
      return Base64.getUrlDecoder().decode(length == text.length ? text : java.util.Arrays.copyOf(text, length));
    } catch (IllegalArgumentException malformed) {
      throw GmailException.invalidArgument("Invalid value for ByteString: " + field);
    }
  }
}
