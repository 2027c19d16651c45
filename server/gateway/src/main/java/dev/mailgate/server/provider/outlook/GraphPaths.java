package dev.mailgate.server.provider.outlook;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import java.nio.charset.StandardCharsets;

/**
 * Microsoft Graph paths built from caller-supplied ids (messages, drafts, attachments, folders):
 * each id becomes exactly one path segment, percent-encoded except for RFC 3986's unreserved
 * characters, so {@code /}, {@code ?}, {@code #}, {@code %} and the rest stay inside it (Graph
 * ids may legitimately hold {@code =}, {@code +}, {@code -}, {@code _} and {@code /}; Graph
 * decodes them back). An id that can never name anything (empty, {@code .} or {@code ..},
 * control characters, longer than {@value #MAX_ID_LENGTH}) is MESSAGE_NOT_FOUND without a request.
 */
final class GraphPaths {

  static final int MAX_ID_LENGTH = 4096;
  private static final String ME = "/v1.0/me";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private GraphPaths() {}

  /** {@code /v1.0/me/messages/{id}}. */
  static String message(String messageId) {
    return ME + "/messages/" + segment(messageId);
  }

  /** {@code /v1.0/me/messages/{id}/attachments/{attachmentId}}. */
  static String attachment(String messageId, String attachmentId) {
    return message(messageId) + "/attachments/" + segment(attachmentId);
  }

  /** {@code /v1.0/me/mailFolders/{folder}} for a well-known folder name or a folder id. */
  static String folder(String folder) {
    return ME + "/mailFolders/" + segment(folder);
  }

  /** {@code id} as one percent-encoded path segment, or MESSAGE_NOT_FOUND for an id that cannot exist. */
  static String segment(String id) {
    if (id == null || id.isEmpty() || id.equals(".") || id.equals("..") || id.length() > MAX_ID_LENGTH
        || id.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new GatewayException(Reason.MESSAGE_NOT_FOUND, "the message, folder or attachment was not found");
    }
    StringBuilder encoded = new StringBuilder(id.length() + 16);
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
          || c == '_' || c == '~') {
        encoded.append((char) c);
      } else {
        encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return encoded.toString();
  }
}
