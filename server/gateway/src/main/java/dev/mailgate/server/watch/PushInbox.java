package dev.mailgate.server.watch;

import dev.mailgate.server.store.ProviderKind;
import java.util.List;
import java.util.Optional;

/** Where {@link PushChannel} routes hand verified notifications: the watcher. Never blocks. */
public interface PushInbox {

  /** The watched connections of this kind on this mailbox (a Gmail push names only the address). */
  List<WatchKey> byAddress(ProviderKind kind, String emailAddress);

  /** The watched connection with this subscription id (a Graph notification names its subscription). */
  Optional<Subscribed> bySubscription(ProviderKind kind, String subscriptionId);

  /** The mailbox changed: read its change feed soon. */
  void changed(WatchKey key);

  /**
   * The provider says notifications for the mailbox were lost (Graph's {@code missed}): append
   * RESYNC_REQUIRED and read the change feed.
   */
  void missed(WatchKey key);

  /**
   * The subscription must be renewed or created again now (Graph's
   * {@code reauthorizationRequired} and {@code subscriptionRemoved}).
   */
  void resubscribe(WatchKey key);

  /**
   * A notification for a mailbox this node does not watch: sent to the other gateway nodes (with a
   * coordination database; else dropped), whose channel of the same kind checks {@code payload}
   * again ({@link PushChannel#relayed}). The payload never holds a secret; at most a digest of one.
   */
  void relay(ProviderKind kind, String payload);

  /** A watched connection and its stored subscription, to verify a notification against. */
  record Subscribed(WatchKey key, PushSubscription subscription) {}
}
