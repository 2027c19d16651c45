package dev.mailgate.loadgen;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * A bearer token the Gmail sandbox accepts for a mailbox: an unsigned JWT
 * {@code {"alg":"none"}.{"sub":<mailbox>,"exp":<now + 1 h>}.sig}. The sandbox checks the token's
 * shape, subject and expiry, not its signature (server: sandbox/BearerIdentity).
 */
final class SandboxToken {

  private SandboxToken() {}

  static String forMailbox(String mailbox, Instant now) {
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    String header = base64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
    String claims = new io.vertx.core.json.JsonObject()
        .put("sub", mailbox)
        .put("exp", now.getEpochSecond() + 3600)
        .encode();
    return header + "." + base64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".sig";
  }
}
