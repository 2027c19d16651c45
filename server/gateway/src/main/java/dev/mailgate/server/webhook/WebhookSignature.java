package dev.mailgate.server.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code webhook-signature} header of Standard Webhooks: {@code v1,} and the base64 of the
 * HMAC-SHA256 of {@code "{id}.{timestamp}.{body}"}, one per secret, separated by spaces.
 */
final class WebhookSignature {

  private WebhookSignature() {}

  static String header(List<String> secrets, String id, long timestamp, String body) {
    byte[] signed = (id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8);
    return secrets.stream().map(secret -> "v1," + hmac(WebhookSecret.key(secret), signed))
        .collect(Collectors.joining(" "));
  }

  private static String hmac(byte[] key, byte[] content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(content));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
