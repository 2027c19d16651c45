package dev.mailgate.server.watch;

import dev.mailgate.server.mail.MailboxCredential;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.Optional;

/**
 * A provider's push notifications (a {@link dev.mailgate.server.provider.ProviderModule}
 * capability, next to its {@link ChangeFeed}): subscribing a mailbox, and the HTTP routes on the
 * gateway where the provider delivers notifications. A notification only says "look now": the
 * watcher then reads the {@link ChangeFeed}, so a lost or forged-and-refused notification costs at
 * most a polling interval, never an event.
 */
public interface PushChannel {

  /**
   * Whether this gateway can receive this provider's pushes (it has a public URL, and whatever else
   * the provider needs, such as Gmail's Pub/Sub topic). When not, connections are polled only.
   */
  boolean available();

  /**
   * Creates the mailbox's subscription, or renews {@code current} (the one stored from the last
   * call); a subscription the provider no longer has is created again.
   */
  Future<PushSubscription> subscribe(WatchKey key, MailboxCredential mailbox, Optional<PushSubscription> current);

  /** Ends the subscription (the connection is no longer watched); the provider may refuse, and that is fine. */
  Future<Void> unsubscribe(MailboxCredential mailbox, PushSubscription subscription);

  /**
   * Mounts the routes at which the provider delivers notifications. Each route verifies the request
   * as the provider documents (a signed token, a shared secret), answers the provider as it
   * expects, and hands each verified notification to {@code inbox}.
   */
  void mount(Router router, PushInbox inbox);

  /**
   * How long after a notification the provider drops further notifications of the same mailbox
   * (Gmail sends at most one a second per mailbox). A change made in that window is never pushed, so
   * the watcher reads once more after it when its read started inside it. Zero: nothing is dropped
   * for rate.
   */
  default Duration rateWindow() {
    return Duration.ZERO;
  }

  /**
   * A notification another gateway node received and relayed ({@link PushInbox#relay}), in the
   * form this channel relayed it: checked again here, and handed to the inbox if this node watches
   * its mailbox. Never relays again.
   */
  default void relayed(String payload) {}

  /** Stops what the channel runs of its own (verification pools); the gateway calls it once, at shutdown. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
