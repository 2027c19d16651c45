package dev.mailgate.server.webhook;

import dev.mailgate.server.crypto.TokenCipher;
import dev.mailgate.server.events.LogPosition;
import java.util.Optional;
import java.util.UUID;

/**
 * The cursors an endpoint's deliveries carry: a position in the tenant's event log sealed with the
 * tenant's keyset for that endpoint only, so that ReplayWebhookDeliveries takes back exactly those.
 */
final class WebhookCursors {

  private WebhookCursors() {}

  static String seal(TokenCipher cipher, UUID endpointId, LogPosition position) {
    return cipher.seal(context(endpointId), position.encode());
  }

  static Optional<LogPosition> open(TokenCipher cipher, UUID endpointId, String cursor) {
    return cipher.open(context(endpointId), cursor).flatMap(LogPosition::decode);
  }

  private static String context(UUID endpointId) {
    return "webhooks/endpoint|" + endpointId;
  }
}
