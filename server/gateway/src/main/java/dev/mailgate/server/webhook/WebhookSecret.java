package dev.mailgate.server.webhook;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Endpoint signing secrets as Standard Webhooks writes them: {@code whsec_} and the base64 of 24
 * random bytes; the HMAC key is the decoded bytes.
 */
public final class WebhookSecret {

  public static final String PREFIX = "whsec_";
  private static final int BYTES = 24;
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebhookSecret() {}

  /** A new secret. */
  public static String generate() {
    byte[] key = new byte[BYTES];
    RANDOM.nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** The HMAC key of a secret {@link #generate} made. */
  static byte[] key(String secret) {
    return Base64.getDecoder().decode(secret.substring(PREFIX.length()));
  }
}
