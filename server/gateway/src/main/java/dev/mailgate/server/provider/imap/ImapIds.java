package dev.mailgate.server.provider.imap;

import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The opaque identifiers the IMAP provider hands out, all base64url without padding:
 * a message id is {@code folder \n UIDVALIDITY \n UID \n Message-ID}, a thread id is the thread's
 * root Message-ID, a draft id is the draft's Message-ID, a page token is {@code UIDVALIDITY \n UID}.
 */
final class ImapIds {

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  /** Where a message was when its id was made, and its RFC 5322 Message-ID (may be empty). */
  record MessageRef(String folder, long uidValidity, long uid, String rfc822Id) {}

  /** A page boundary: the folder's UIDVALIDITY and the last UID already returned. */
  record PageToken(long uidValidity, long lastUid) {}

  private ImapIds() {}

  static String message(String folder, long uidValidity, long uid, String rfc822Id) {
    return encode(folder + "\n" + uidValidity + "\n" + uid + "\n" + rfc822Id);
  }

  static String message(MessageRef ref) {
    return message(ref.folder(), ref.uidValidity(), ref.uid(), ref.rfc822Id());
  }

  /** The message an id names; anything that is not one of ours is MESSAGE_NOT_FOUND. */
  static MessageRef parseMessage(String id) {
    String[] fields = decode(id).split("\n", -1);
    if (fields.length != 4 || fields[0].isEmpty() || fields[0].chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw notFound();
    }
    try {
      return new MessageRef(fields[0], Long.parseLong(fields[1]), Long.parseLong(fields[2]), fields[3]);
    } catch (NumberFormatException e) {
      throw notFound();
    }
  }

  /** A thread id: the root Message-ID, or for a message without any Message-ID, the message's own id. */
  static String thread(String rootMessageId, String messageId) {
    return rootMessageId.isBlank() ? encode("message\n" + messageId) : encode(rootMessageId);
  }

  /** The thread's root Message-ID ({@code <...>}), or the single message id of a thread without one. */
  record ThreadRef(String rootMessageId, String singleMessageId) {}

  static ThreadRef parseThread(String id) {
    String decoded = decode(id);
    if (decoded.startsWith("<") && decoded.endsWith(">") && !decoded.contains("\n")) {
      return new ThreadRef(decoded, "");
    }
    if (decoded.startsWith("message\n")) {
      return new ThreadRef("", decoded.substring("message\n".length()));
    }
    throw notFound();
  }

  static String draft(String rfc822Id) {
    return encode(rfc822Id);
  }

  static String parseDraft(String id) {
    String decoded = decode(id);
    if (!decoded.startsWith("<") || !decoded.endsWith(">") || decoded.contains("\n")) {
      throw notFound();
    }
    return decoded;
  }

  static String pageToken(long uidValidity, long lastUid) {
    return encode(uidValidity + "\n" + lastUid);
  }

  static PageToken parsePageToken(String token) {
    try {
      String[] fields = new String(DECODER.decode(token), StandardCharsets.UTF_8).split("\n", -1);
      if (fields.length == 2) {
        return new PageToken(Long.parseLong(fields[0]), Long.parseLong(fields[1]));
      }
    } catch (IllegalArgumentException malformed) {
      // falls through to the invalid-argument answer
    }
    throw GatewayException.invalid(List.of(new FieldViolation("page_token", "is not a token this listing returned")));
  }

  private static String encode(String value) {
    return ENCODER.encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String id) {
    try {
      return new String(DECODER.decode(id), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      throw notFound();
    }
  }

  static GatewayException notFound() {
    return new GatewayException(Reason.MESSAGE_NOT_FOUND, "the message, thread or draft was not found");
  }
}
