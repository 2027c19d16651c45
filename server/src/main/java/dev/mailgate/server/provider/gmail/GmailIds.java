package dev.mailgate.server.provider.gmail;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;

/**
 * Caller-supplied Gmail ids (messages, threads, drafts, attachments) before they go into a Gmail
 * API path. The Gmail client expands them into its URI templates as single, percent-encoded
 * segments ({@code /}, {@code ?}, {@code #} and {@code %} included); what it leaves as is are the
 * dot segments {@code .} and {@code ..}, which a server may resolve to another resource, so those
 * (and empty ids, control characters and absurd lengths) are MESSAGE_NOT_FOUND without a request.
 */
final class GmailIds {

  static final int MAX_ID_LENGTH = 4096;

  private GmailIds() {}

  /** {@code id}, if it could name something; else MESSAGE_NOT_FOUND. */
  static String checked(String id) {
    if (id == null || id.isEmpty() || id.equals(".") || id.equals("..") || id.length() > MAX_ID_LENGTH
        || id.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new GatewayException(Reason.MESSAGE_NOT_FOUND, "the message, thread, draft or attachment was not found");
    }
    return id;
  }
}
