package dev.mailgate.server.watch;

import java.time.Instant;
import java.util.Optional;

/**
 * A provider push subscription as the watcher stores it with the connection.
 *
 * @param id the provider's id of the subscription, when notifications name it (Graph's
 *     subscriptionId); empty when they name the mailbox instead (Gmail's emailAddress)
 * @param state the channel's own text about it (for example Graph's clientState secret and
 *     expiry); stored in the tenant database, never logged
 * @param renewAt when the watcher calls {@link PushChannel#subscribe} again to renew it, well
 *     before the provider lets it expire
 */
public record PushSubscription(Optional<String> id, String state, Instant renewAt) {

  /** Without the state, which may hold a secret (Graph's clientState). */
  @Override
  public String toString() {
    return "PushSubscription[id=" + id.orElse("") + ", renewAt=" + renewAt + "]";
  }
}
