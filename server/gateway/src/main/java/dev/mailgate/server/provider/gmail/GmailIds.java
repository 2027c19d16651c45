package dev.mailgate.server.provider.gmail;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;

/**
 * Caller-supplied Gmail ids (messages, threads, drafts, attachments) before they go into a Gmail
 * API path. Gmail's ids are hex (messages, threads), {@code r} and a signed number (drafts) or
 * base64url (attachments): letters, digits, {@code -} and {@code _} only. Anything else cannot
 * name anything and is MESSAGE_NOT_FOUND without a request, as Gmail itself answers "Invalid id
 * value" for it. (The Gmail client would percent-encode {@code /}, {@code ?}, {@code #} and
 * {@code %} in its URI templates, but it leaves the dot segments {@code .} and {@code ..}, which
 * a server may resolve to another resource.)
 */
final class GmailIds {

  private static final int MAX_LENGTH = 4096;

  private GmailIds() {}

  /** {@code id}, if it has the shape of a Gmail id; else MESSAGE_NOT_FOUND. */
  static String checked(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      throw notFound();
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
        throw notFound();
      }
    }
    return id;
  }

  private static GatewayException notFound() {
    return new GatewayException(Reason.MESSAGE_NOT_FOUND, "the message, thread, draft or attachment was not found");
  }
}
