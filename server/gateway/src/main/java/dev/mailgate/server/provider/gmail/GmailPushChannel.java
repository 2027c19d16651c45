package dev.mailgate.server.provider.gmail;

import com.google.api.services.gmail.model.WatchRequest;
import dev.mailgate.server.BlockingPool;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.watch.PushChannel;
import dev.mailgate.server.watch.PushInbox;
import dev.mailgate.server.watch.PushSubscription;
import dev.mailgate.server.watch.WatchKey;
import dev.mailgate.server.watch.WatchPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gmail's push notifications (Gmail's "Push notifications" guide): {@code users.watch} publishes a
 * mailbox's changes to the gateway's Pub/Sub topic, whose authenticated push subscription POSTs
 * them to {@value #PATH}. A push is taken only with a valid Google-signed OIDC token for the
 * configured audience and of the configured service account ({@link GmailPushTokens}, verified on a
 * small worker pool, never on the event loop); without a configured service account there is no
 * Gmail push at all (connections are polled). A push names the mailbox's address, and every
 * watched Gmail connection of that address is told to read its change feed. Answers: 204 (Pub/Sub's
 * ack), 400 for a malformed envelope, 401 without a bearer token, 403 for a refused one (another
 * signer, audience or service account, expired, unverified email), 503 when the keys cannot be
 * fetched or the pool is full (Pub/Sub delivers again).
 */
public final class GmailPushChannel implements PushChannel {

  public static final String PATH = "/push/gmail";
  /** When a watch is renewed: Gmail keeps it 7 days, and asks for a renewal at least that often. */
  static final Duration RENEW_AFTER = Duration.ofDays(1);
  /** Gmail sends at most one notification a second per watched mailbox and drops the rest. */
  private static final Duration RATE_WINDOW = Duration.ofSeconds(1);
  private static final int BODY_LIMIT = 64 * 1024;
  private static final Logger log = LoggerFactory.getLogger(GmailPushChannel.class);

  private final Vertx vertx;
  private final GmailCalls calls;
  private final WatchPolicy policy;
  private BlockingPool verifiers;
  private volatile PushInbox mountedInbox;

  /** The channel of the mailboxes {@code mail} reaches, as the gateway's watch {@code policy} configures it. */
  public GmailPushChannel(Vertx vertx, WatchPolicy policy, GmailProvider mail) {
    this.vertx = vertx;
    this.calls = mail.calls();
    this.policy = policy;
  }

  @Override
  public boolean available() {
    return policy.publicUrl().isPresent() && policy.gmailTopic().isPresent()
        && policy.gmailPushServiceAccount().isPresent();
  }

  @Override
  public Duration rateWindow() {
    return RATE_WINDOW;
  }

  @Override
  public Future<PushSubscription> subscribe(WatchKey key, MailboxCredential mailbox, Optional<PushSubscription> current) {
    String topic = policy.gmailTopic().orElseThrow(() -> new IllegalStateException("no Gmail Pub/Sub topic configured"));
    return calls.read(mailbox, gmail -> gmail.users().watch("me", new WatchRequest().setTopicName(topic)).execute())
        .map(watch -> {
          Instant expiration = Instant.ofEpochMilli(watch.getExpiration());
          Instant renewAt = Instant.now().plus(RENEW_AFTER);
          Instant latest = expiration.minus(RENEW_AFTER);
          return new PushSubscription(Optional.empty(), Long.toString(watch.getExpiration()),
              renewAt.isAfter(latest) ? latest : renewAt);
        });
  }

  @Override
  public Future<Void> unsubscribe(MailboxCredential mailbox, PushSubscription subscription) {
    return calls.read(mailbox, gmail -> gmail.users().stop("me").execute()).mapEmpty();
  }

  @Override
  public void mount(Router router, PushInbox inbox) {
    String audience = policy.gmailAudience()
        .orElseThrow(() -> new IllegalStateException("Gmail pushes need the gateway's public URL"));
    String serviceAccount = policy.gmailPushServiceAccount()
        .orElseThrow(() -> new IllegalStateException("Gmail pushes need the push subscription's service account"));
    GmailPushTokens tokens = new GmailPushTokens(policy.gmailPushCertsUrl(), audience, serviceAccount);
    verifiers = new BlockingPool(vertx, "mailgate-gmail-push", 2, 64);
    mountedInbox = inbox;
    router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
        .handler(ctx -> receive(ctx, tokens, inbox));
  }

  private void receive(RoutingContext ctx, GmailPushTokens tokens, PushInbox inbox) {
    String authorization = ctx.request().getHeader("authorization");
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      log.warn("Gmail push refused: no bearer token");
      ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer").end();
      return;
    }
    String token = authorization.substring(7).trim();
    verifiers.run(() -> tokens.refusal(token)).onComplete(verdict -> {
      if (verdict.failed()) {
        log.warn("Gmail push not verified now: {}", verdict.cause().getMessage());
        ctx.response().setStatusCode(503).end();
      } else if (verdict.result().isPresent()) {
        log.warn("Gmail push refused: {}", verdict.result().get());
        ctx.response().setStatusCode(403).end();
      } else {
        deliver(ctx, inbox);
      }
    });
  }

  private static void deliver(RoutingContext ctx, PushInbox inbox) {
    Optional<String> address = emailAddress(ctx);
    if (address.isEmpty()) {
      ctx.response().setStatusCode(400).end();
      return;
    }
    List<WatchKey> keys = inbox.byAddress(ProviderKind.GMAIL, address.get());
    if (keys.isEmpty()) {
      inbox.relay(ProviderKind.GMAIL, address.get()); // verified here; another node may watch the mailbox
    }
    keys.forEach(inbox::changed);
    ctx.response().setStatusCode(204).end();
  }

  /** A verified push another node received for a mailbox ({@code payload}: its address). */
  @Override
  public void relayed(String payload) {
    PushInbox inbox = mountedInbox;
    if (inbox != null) {
      inbox.byAddress(ProviderKind.GMAIL, payload).forEach(inbox::changed);
    }
  }

  /** The {@code emailAddress} of the Gmail notification in a Pub/Sub push envelope, if the envelope is one. */
  static Optional<String> emailAddress(RoutingContext ctx) {
    try {
      JsonObject envelope = ctx.body().asJsonObject();
      JsonObject message = envelope == null ? null : envelope.getJsonObject("message");
      String data = message == null ? null : message.getString("data");
      if (data == null) {
        return Optional.empty();
      }
      JsonObject notification = new JsonObject(new String(Base64.getDecoder().decode(data.trim()), StandardCharsets.UTF_8));
      String address = notification.getString("emailAddress");
      Object historyId = notification.getValue("historyId");
      if (address == null || address.isBlank() || !(historyId instanceof Number || historyId instanceof String)) {
        return Optional.empty();
      }
      return Optional.of(address);
    } catch (DecodeException | ClassCastException | IllegalArgumentException malformed) {
      return Optional.empty();
    }
  }

  /** Stops the verification pool (when mounted). */
  @Override
  public Future<Void> close() {
    return verifiers == null ? Future.succeededFuture() : verifiers.close();
  }
}
