package dev.mailgate.server.watch;

import java.time.Instant;
import java.util.Optional;

/**
 * A provider push subscription as the watcher stores it with the connection.
 *
 * @param id the provider's id of the subscription, when notifications name it (Graph's
 *     subscriptionId); empty when they name the mailbox instead (Gmail's emailAddress)
 * @param state the channel's own text about it (for example Graph's clientState secret and
 *     expiry); stored in the tenant database encrypted with the tenant's keyset, never logged
 * @param renewAt when the watcher calls {@link PushChannel#subscribe} again to renew it, well
 *     before the provider lets it expire
 */
public record PushSubscription(Optional<String> id, String state, Instant renewAt) {

  /**
   * A stored subscription whose state cannot be read (written in plaintext by an earlier version,
   * or encrypted with a key the tenant's keyset no longer has): due for renewal at once, with an
   * empty state no notification matches, so the channel makes it anew.
   */
  public static PushSubscription unreadable(Optional<String> id) {
    return new PushSubscription(id, "", Instant.EPOCH);
  }

  /** Without the state, which may hold a secret (Graph's clientState). */
  @Override
  public String toString() {
    return "PushSubscription[id=" + id.orElse("") + ", renewAt=" + renewAt + "]";
  }
}
