package dev.mailgate.server.provider.outlook;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.provider.outlook.GraphClient.Call;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.watch.PushChannel;
import dev.mailgate.server.watch.PushInbox;
import dev.mailgate.server.watch.PushSubscription;
import dev.mailgate.server.watch.WatchKey;
import dev.mailgate.server.watch.WatchPolicy;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Outlook's push: a Graph change-notification subscription
 * (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks) on the mailbox's
 * messages ({@code me/messages}: created, updated, deleted), delivered to
 * {@code {publicUrl}/push/graph}, with lifecycle notifications to
 * {@code {publicUrl}/push/graph/lifecycle} ({@link GraphPushRoutes}). Each subscription has its
 * own random clientState, the secret each notification must carry; it is kept with the expiry in
 * {@link PushSubscription#state} (which the watcher stores encrypted). A subscription lives
 * {@value #LIFETIME_MINUTES} minutes (Graph allows Outlook messages at most 4230) and is renewed a
 * day before it ends.
 */
public final class GraphPushChannel implements PushChannel {

  static final long LIFETIME_MINUTES = 4200;
  static final Duration RENEW_BEFORE_EXPIRY = Duration.ofDays(1);
  static final String SUBSCRIPTIONS = "/v1.0/subscriptions";
  static final String RESOURCE = "me/messages";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final GraphClient graph;
  private final WatchPolicy policy;
  private final Clock clock;
  private volatile GraphPushRoutes routes;

  /** Push for the provider's mailboxes, at the gateway's public URL in {@code policy}. */
  public GraphPushChannel(OutlookProvider provider, WatchPolicy policy) {
    this(provider, policy, Clock.systemUTC());
  }

  GraphPushChannel(OutlookProvider provider, WatchPolicy policy, Clock clock) {
    this.graph = provider.graph();
    this.policy = policy;
    this.clock = clock;
  }

  @Override
  public boolean available() {
    return policy.publicUrl().isPresent();
  }

  @Override
  public Future<PushSubscription> subscribe(WatchKey key, MailboxCredential mailbox,
      Optional<PushSubscription> current) {
    if (!available()) {
      return Future.failedFuture(new IllegalStateException("the gateway has no public URL for Graph's notifications"));
    }
    Optional<SubscriptionState> state = current.flatMap(s -> SubscriptionState.decode(s.state()));
    Optional<String> id = current.flatMap(PushSubscription::id);
    if (id.isPresent() && state.isPresent()) {
      return renew(mailbox, id.get(), state.get())
          .recover(failure -> notFound(failure) ? create(mailbox) : Future.failedFuture(failure));
    }
    if (id.isPresent()) {
      // Its clientState is lost (a stored state that does not decrypt): its notifications can no
      // longer be verified, so it goes, and a new one with a new secret takes its place.
      return unsubscribe(mailbox, current.get()).otherwiseEmpty().compose(v -> create(mailbox));
    }
    return create(mailbox);
  }

  private Future<PushSubscription> create(MailboxCredential mailbox) {
    String url = policy.publicUrl().orElseThrow();
    String clientState = secret();
    JsonObject body = new JsonObject()
        .put("changeType", "created,updated,deleted")
        .put("notificationUrl", url + GraphPushRoutes.NOTIFICATIONS)
        .put("lifecycleNotificationUrl", url + GraphPushRoutes.LIFECYCLE)
        .put("resource", RESOURCE)
        .put("expirationDateTime", expiry().toString())
        .put("clientState", clientState);
    return graph.json(mailbox, new Call(HttpMethod.POST, SUBSCRIPTIONS, Map.of(), Map.of(), body))
        .map(created -> subscription(created, clientState));
  }

  private Future<PushSubscription> renew(MailboxCredential mailbox, String id, SubscriptionState state) {
    JsonObject body = new JsonObject().put("expirationDateTime", expiry().toString());
    return graph.json(mailbox, new Call(HttpMethod.PATCH, SUBSCRIPTIONS + "/" + GraphPaths.segment(id), Map.of(),
        Map.of(), body)).map(renewed -> subscription(renewed.put("id", renewed.getString("id", id)),
            state.clientState()));
  }

  private PushSubscription subscription(JsonObject answer, String clientState) {
    Instant expires;
    try {
      expires = Instant.parse(answer.getString("expirationDateTime"));
    } catch (RuntimeException unreadable) {
      expires = expiry();
    }
    Instant renewAt = expires.minus(RENEW_BEFORE_EXPIRY);
    Instant soonest = clock.instant().plusSeconds(60);
    return new PushSubscription(Optional.of(answer.getString("id")),
        new SubscriptionState(clientState, expires).encode(), renewAt.isBefore(soonest) ? soonest : renewAt);
  }

  @Override
  public Future<Void> unsubscribe(MailboxCredential mailbox, PushSubscription subscription) {
    if (subscription.id().isEmpty()) {
      return Future.succeededFuture();
    }
    return graph.send(mailbox, new Call(HttpMethod.DELETE, SUBSCRIPTIONS + "/"
            + GraphPaths.segment(subscription.id().get()), Map.of(), Map.of(), null))
        .<Void>mapEmpty()
        .recover(failure -> notFound(failure) ? Future.succeededFuture() : Future.failedFuture(failure));
  }

  @Override
  public void mount(Router router, PushInbox inbox) {
    routes = new GraphPushRoutes(inbox, ProviderKind.OUTLOOK);
    routes.mount(router);
  }

  @Override
  public void relayed(String payload) {
    GraphPushRoutes mounted = routes;
    if (mounted != null) {
      mounted.relayed(payload);
    }
  }

  private Instant expiry() {
    return clock.instant().plus(LIFETIME_MINUTES, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
  }

  private static boolean notFound(Throwable failure) {
    return failure instanceof GatewayException known && known.reason() == Reason.MESSAGE_NOT_FOUND;
  }

  private static String secret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** What the channel keeps about a subscription: its clientState secret and when it expires. */
  record SubscriptionState(String clientState, Instant expires) {

    String encode() {
      return new JsonObject().put("clientState", clientState).put("expires", expires.toString()).encode();
    }

    static Optional<SubscriptionState> decode(String text) {
      try {
        JsonObject json = new JsonObject(text);
        String secret = json.getString("clientState");
        return secret == null || secret.isEmpty() ? Optional.empty()
            : Optional.of(new SubscriptionState(secret, Instant.parse(json.getString("expires"))));
      } catch (RuntimeException unreadable) {
        return Optional.empty();
      }
    }

    @Override
    public String toString() {
      return "SubscriptionState[expires=" + expires + "]";
    }
  }
}
