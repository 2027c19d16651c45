package dev.mailgate.server.sandbox;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Who a sandbox request is for: the mailbox named by the {@code sub} claim of a valid, unexpired
 * bearer JWT from the local OAuth server ({@code sub@example.com} if the subject has no @).
 * The sandbox trusts the local issuer; it checks shape and expiry, not signatures.
 */
public final class BearerIdentity {

  private BearerIdentity() {}

  /** The mailbox address of an {@code Authorization} header value, or empty if it does not authenticate. */
  public static Optional<String> mailboxOf(String authorizationHeader) {
    if (authorizationHeader == null || !authorizationHeader.startsWith("Bearer ")) {
      return Optional.empty();
    }
    String[] parts = authorizationHeader.substring("Bearer ".length()).split("\\.");
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      if (claims.getLong("exp", 0L) <= Instant.now().getEpochSecond()) {
        return Optional.empty();
      }
      String subject = claims.getString("sub", "");
      return subject.isEmpty() ? Optional.empty() : Optional.of(subject.contains("@") ? subject : subject + "@example.com");
    } catch (RuntimeException malformed) {
      return Optional.empty();
    }
  }
}
