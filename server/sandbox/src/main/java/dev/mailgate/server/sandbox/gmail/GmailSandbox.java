package dev.mailgate.server.sandbox.gmail;

import dev.mailgate.server.sandbox.RequestLog;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * A stateful stand-in for the Gmail REST API (https://developers.google.com/gmail/api/reference/rest)
 * that google-api-services-gmail talks to as to Google: same paths, JSON, media uploads and errors.
 * Mailboxes live in memory, one per address, created on first use; the bearer JWT of the local
 * OAuth server says whose mailbox a request reaches. Sending delivers to the other sandbox
 * mailboxes and nowhere else.
 *
 * <p>A mailbox watched with {@code users.watch} has its changes pushed as Cloud Pub/Sub pushes them
 * to the endpoint set with {@link #pushTo}, signed with a key published at {@link #PUSH_CERTS_PATH}.
 *
 * <p>Mount it at the root of a router ({@link #mount}); tests and dev mode seed and inspect it
 * through the methods here, and can queue failures ({@link #failNext}), add latency, drop pushes
 * ({@link #dropPushes}) and expire history ({@link #expireHistory}).
 */
public final class GmailSandbox {

  /** Where the sandbox publishes the keys of its push tokens as Google's v1 certs (PEM by key id). */
  public static final String PUSH_CERTS_PATH = "/oauth2/v1/certs";
  /** The same keys as a JWKS, as Google's v3 certs. */
  public static final String PUSH_JWKS_PATH = "/oauth2/v3/certs";
  /** The service account (the {@code email} claim) of the sandbox's push tokens. */
  public static final String PUSH_SERVICE_ACCOUNT = PushSigner.SERVICE_ACCOUNT;

  private final Mailboxes mailboxes;
  private final Gate gate;
  private final RequestLog log = new RequestLog();
  private final PushSigner signer = PushSigner.load();
  private final PubSubPush pushes;

  private GmailSandbox(Clock clock) {
    this.pushes = new PubSubPush(signer, clock);
    this.mailboxes = new Mailboxes(clock, pushes::changed);
    this.gate = new Gate(mailboxes);
  }

  /** A sandbox on the system clock. */
  public static GmailSandbox create() {
    return create(Clock.systemUTC());
  }

  /** A sandbox that dates received, sent and drafted mail (internalDate) and search's "now" by {@code clock}. */
  public static GmailSandbox create(Clock clock) {
    return new GmailSandbox(clock);
  }

  /**
   * Adds the sandbox to {@code router}: {@code /gmail/v1/users/{userId}/...} and
   * {@code /upload/gmail/v1/users/{userId}/...}, each with its own body handler (64 MB), and a
   * failure handler that answers in Google's error format; and the push keys at
   * {@link #PUSH_CERTS_PATH} and {@link #PUSH_JWKS_PATH}. Push notifications are delivered with
   * {@code vertx}. Mount before any catch-all route.
   */
  public void mount(Router router, Vertx vertx) {
    pushes.attach(vertx);
    router.get(PUSH_CERTS_PATH).handler(ctx -> certs(ctx, signer.pemCertificates()));
    router.get(PUSH_JWKS_PATH).handler(ctx -> certs(ctx, signer.jwks()));
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(RequestBodies.BODY_LIMIT);
    for (String root : List.of("/gmail/v1/*", "/upload/gmail/v1/*")) {
      router.route(root).handler(log);
      router.route(root).handler(bodies);
    }
    router.route(RouteTable.API + "/*").handler(gate);
    router.route(RouteTable.UPLOAD + "/*").handler(gate);
    RouteTable routes = new RouteTable(router);
    UploadRoutes uploads = new UploadRoutes(routes);
    new ProfileRoutes().register(routes);
    new MessageRoutes(mailboxes).register(routes, uploads);
    new ThreadRoutes().register(routes);
    new DraftRoutes(mailboxes).register(routes, uploads);
    new LabelRoutes().register(routes);
    new WatchRoutes().register(routes);
    for (String root : List.of("/gmail/v1/*", "/upload/gmail/v1/*")) {
      router.route(root).handler(GmailSandbox::notImplemented);
      router.route(root).failureHandler(GoogleErrors::handleFailure);
    }
  }

  /** Google's certs documents are cached for hours (its verifiers honour max-age). */
  private static void certs(RoutingContext ctx, JsonObject document) {
    ctx.response().putHeader("content-type", "application/json; charset=UTF-8")
        .putHeader("cache-control", "public, max-age=21600, must-revalidate, no-transform")
        .end(document.encode());
  }

  private static void notImplemented(RoutingContext ctx) {
    GoogleErrors.send(ctx, new GmailException(404, "notFound",
        "The Gmail sandbox has no " + Gate.method(ctx) + " " + ctx.request().path()));
  }

  /** Every request received so far (the last 1000), as {@code METHOD uri} with the path as sent. */
  public List<String> requests() {
    return log.requests();
  }

  /** Creates the mailbox of {@code address} if it does not exist yet, so that mail sent to it arrives. */
  public void createMailbox(String address) {
    mailboxes.open(address);
  }

  /**
   * Stores {@code rfc822} in {@code mailbox} as received mail with {@code labelIds} (e.g. INBOX,
   * UNREAD), dated by its Date header when it has one, threaded with the message its
   * In-Reply-To/References name if the subjects match. Returns the new message id.
   *
   * @throws IllegalArgumentException for a label the mailbox does not have or bytes that do not parse
   */
  public String deliver(String mailbox, byte[] rfc822, List<String> labelIds) {
    try {
      return mailboxes.deliver(mailbox, rfc822.clone(), List.copyOf(labelIds)).id();
    } catch (GmailException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Creates a user label and returns its id ({@code Label_n}). */
  public String createLabel(String mailbox, String name) {
    Mailbox box = mailboxes.open(mailbox);
    try {
      return box.read(() -> box.labels().create(new JsonObject().put("name", name)).id());
    } catch (GmailException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The label ids of a message now. @throws NoSuchElementException if there is no such message */
  public List<String> labelsOf(String mailbox, String messageId) {
    return message(mailbox, messageId, StoredMessage::labelList);
  }

  /** How many messages of {@code mailbox} carry {@code labelId} (0 for a mailbox never used). */
  public int count(String mailbox, String labelId) {
    return mailboxes.existing(mailbox).map(box -> box.count(labelId)).orElse(0);
  }

  /**
   * The Message-ID header of every message of {@code mailbox} carrying {@code labelId}, one entry
   * per message (a message sent twice appears twice).
   */
  public List<String> messageIdHeaders(String mailbox, String labelId) {
    return mailboxes.existing(mailbox).map(box -> box.messageIdHeaders(labelId)).orElse(List.of());
  }

  /** The RFC 822 bytes of a message as stored (for sent mail: with the From, Message-ID and Date Gmail sets). */
  public byte[] raw(String mailbox, String messageId) {
    return message(mailbox, messageId, m -> m.raw().clone());
  }

  /**
   * Makes the next {@code count} API calls, whatever the mailbox, fail with {@code httpStatus}
   * and {@code reason} in Google's error format, e.g. 429 rateLimitExceeded (with
   * {@code Retry-After: 2}), 403 userRateLimitExceeded, 500 or 503 backendError, 401 authError.
   * Replaces failures still queued.
   */
  public void failNext(int count, int httpStatus, String reason) {
    failNext(count, httpStatus, reason, httpStatus == 429 ? Duration.ofSeconds(2) : null);
  }

  /** As {@link #failNext(int, int, String)}, with a {@code Retry-After} of {@code retryAfter} (none if null). */
  public void failNext(int count, int httpStatus, String reason, Duration retryAfter) {
    failAfter(0, count, httpStatus, reason, retryAfter);
  }

  /** As {@link #failNext(int, int, String, Duration)}, after letting the next {@code skip} calls through. */
  public void failAfter(int skip, int count, int httpStatus, String reason, Duration retryAfter) {
    gate.failAfter(skip, count, httpStatus, reason, retryAfter);
  }

  /** Delays every answer by {@code latency} (without blocking the event loop); zero turns it off. */
  public void latency(Duration latency) {
    gate.latency(latency);
  }

  /**
   * How many requests so far had {@code method} and a path ending in {@code pathSuffix}, e.g.
   * {@code calls("POST", "/messages/send")} (uploads to {@code /upload/...} count too).
   */
  public int calls(String method, String pathSuffix) {
    return gate.calls(method, pathSuffix);
  }

  /**
   * Delivers push notifications of watched mailboxes ({@code users.watch}) to {@code endpointUrl}
   * as a Pub/Sub push subscription does, each with an OIDC token for {@code audience} signed by the
   * key published at {@link #PUSH_CERTS_PATH}.
   */
  public void pushTo(String endpointUrl, String audience) {
    pushes.pushTo(endpointUrl, audience);
  }

  /** Drops every push notification while {@code drop} (they get lost in reality too). */
  public void dropPushes(boolean drop) {
    pushes.drop(drop);
  }

  /**
   * The least time between two pushes of one mailbox: Gmail sends at most one a second and drops
   * the rest (the default); tests may shorten it.
   */
  public void pushInterval(Duration interval) {
    pushes.minimumInterval(interval);
  }

  /** How many pushes the endpoint acknowledged (102, 200, 201, 202 or 204) so far. */
  public int pushesAcknowledged() {
    return pushes.acknowledged();
  }

  /** A push token as the sandbox signs them, for tests of what a receiver refuses (other audiences, expired). */
  public String pushToken(String audience, Instant issuedAt, Instant expiry) {
    return pushes.token(audience, PUSH_SERVICE_ACCOUNT, true, issuedAt, expiry);
  }

  /**
   * A push token signed with the sandbox's key but naming {@code serviceAccount} in its
   * {@code email} claim, with {@code email_verified} as given: what a push subscription of another
   * Google Cloud project (anyone's) would send, for tests of a receiver that checks the account.
   */
  public String pushToken(String audience, String serviceAccount, boolean emailVerified, Instant issuedAt,
      Instant expiry) {
    return pushes.token(audience, serviceAccount, emailVerified, issuedAt, expiry);
  }

  /**
   * Forgets the history of {@code mailbox} so far, as Gmail does after about a week: a
   * {@code history.list} from any earlier id answers 404.
   */
  public void expireHistory(String mailbox) {
    Mailbox box = mailboxes.open(mailbox);
    box.read(() -> {
      box.history().expire();
      return null;
    });
  }

  /** Moves a message to the trash as {@code messages.trash} does. */
  public void trash(String mailbox, String messageId) {
    change(mailbox, box -> box.trash(messageId));
  }

  /** Changes a message's labels as {@code messages.modify} does. */
  public void modify(String mailbox, String messageId, List<String> add, List<String> remove) {
    change(mailbox, box -> box.modify(messageId, add, remove));
  }

  /** Deletes a message for good as {@code messages.delete} does. */
  public void delete(String mailbox, String messageId) {
    change(mailbox, box -> {
      box.delete(messageId);
      return null;
    });
  }

  private void change(String mailbox, Function<Mailbox, ?> change) {
    Mailbox box = mailboxes.existing(mailbox).orElseThrow(() -> new NoSuchElementException("No mailbox " + mailbox));
    try {
      change.apply(box);
    } catch (GmailException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private <T> T message(String mailbox, String messageId, Function<StoredMessage, T> read) {
    Mailbox box = mailboxes.existing(mailbox).orElseThrow(() -> new NoSuchElementException("No mailbox " + mailbox));
    try {
      return box.read(() -> read.apply(box.message(messageId)));
    } catch (GmailException e) {
      throw new NoSuchElementException("No message " + messageId + " in " + mailbox);
    }
  }
}
