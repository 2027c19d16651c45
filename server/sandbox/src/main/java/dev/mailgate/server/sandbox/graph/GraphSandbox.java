package dev.mailgate.server.sandbox.graph;

import dev.mailgate.server.sandbox.RequestLog;
import dev.mailgate.server.sandbox.graph.Folders.Folder;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * A stateful stand-in for the Microsoft Graph v1.0 mail API
 * (https://learn.microsoft.com/graph/api/resources/mail-api-overview) that a Graph client talks
 * to as to Microsoft: same paths under {@code /v1.0/me} (and {@code /v1.0/users/{id}}), JSON,
 * OData options and errors. Mailboxes live in memory, one per address, created on first use; the
 * bearer JWT of the local OAuth server says whose mailbox a request reaches. Sending delivers to
 * the other sandbox mailboxes and nowhere else. Like Exchange Online it allows four requests of
 * one mailbox in flight at once and throttles more.
 *
 * <p>Beyond mail it has Graph's two ways of following a mailbox: message delta per folder
 * ({@link DeltaRoutes}; sync states expire, {@link #deltaTokenRetention}) and change-notification
 * subscriptions on {@code /v1.0/subscriptions} with their validation handshake, asynchronous
 * deliveries and lifecycle notifications ({@link SubscriptionRoutes}, {@link #lifecycle}).
 *
 * <p>Mount it at the root of a router ({@link #mount}); tests and dev mode seed and inspect it
 * through the methods here, and can queue failures ({@link #failNext}) and add latency.
 */
public final class GraphSandbox {

  /** How long after a send is accepted Graph files it, here by default (dev mode). */
  public static final Duration DEFAULT_FILING_DELAY = Duration.ofSeconds(1);

  private final Mailboxes mailboxes;
  private final Gate gate;
  private final RequestLog log = new RequestLog();
  private final Outbox outbox;
  private final DeltaTokens deltaTokens = new DeltaTokens(Clock.systemUTC());
  private final Subscriptions subscriptions = new Subscriptions();

  private GraphSandbox(Clock clock) {
    this.mailboxes = new Mailboxes(clock, subscriptions::changed);
    this.gate = new Gate(mailboxes);
    this.outbox = new Outbox(mailboxes, DEFAULT_FILING_DELAY);
  }

  /** A sandbox on the system clock. */
  public static GraphSandbox create() {
    return create(Clock.systemUTC());
  }

  /**
   * A sandbox that dates messages (created, lastModified, received and sent date-times) and
   * attachments by {@code clock}; the filing delay and latency stay real time.
   */
  public static GraphSandbox create(Clock clock) {
    return new GraphSandbox(clock);
  }

  /**
   * How long after answering 202 to a send the sandbox delivers the message and files its copy in
   * Sent Items (Graph does both asynchronously: a lookup right after the 202 finds nothing).
   * Zero files at once, before the 202.
   */
  public GraphSandbox filingDelay(Duration delay) {
    outbox.filingDelay(delay);
    return this;
  }

  /**
   * Adds the sandbox to {@code router} under {@code /v1.0/*}, with its own body handler (4 MB,
   * Graph's request limit) and a failure handler that answers in Graph's error format. Mount
   * before any catch-all route.
   */
  public void mount(Router router) {
    String all = RouteTable.ROOT + "/*";
    router.route(all).handler(log);
    router.route(all).handler(BodyHandler.create(false).setBodyLimit(RequestBodies.BODY_LIMIT));
    router.route(all).handler(gate);
    RouteTable routes = new RouteTable(router);
    new MeRoutes().register(routes);
    new DeltaRoutes(deltaTokens).register(routes);
    new SubscriptionRoutes(subscriptions).register(router);
    new FolderRoutes().register(routes);
    new MessageRoutes().register(routes);
    new SendRoutes(outbox).register(routes);
    new AttachmentRoutes().register(routes);
    router.route(all).handler(GraphSandbox::notImplemented);
    router.route(all).failureHandler(GraphErrors::handleFailure);
  }

  private static void notImplemented(RoutingContext ctx) {
    String path = ctx.request().path();
    String segment = path.substring(path.lastIndexOf('/') + 1);
    GraphErrors.send(ctx, GraphException.badRequest("Resource not found for the segment '" + segment + "'. "
        + "(The Graph sandbox has no " + ctx.request().method() + " " + path + ".)"));
  }

  /**
   * How long a message delta link (or next link) stays valid; after that, or after
   * {@link #expireDeltaTokens}, it answers 410 Gone syncStateNotFound. Seven days by default.
   */
  public GraphSandbox deltaTokenRetention(Duration retention) {
    deltaTokens.retention(retention);
    return this;
  }

  /** Forgets every delta sync state now, as Exchange may when its token cache overflows. */
  public void expireDeltaTokens() {
    deltaTokens.expireAll();
  }

  /** While on, change and lifecycle notifications are lost instead of delivered (as some are in reality). */
  public void dropNotifications(boolean on) {
    subscriptions.dropNotifications(on);
  }

  /** How many change and lifecycle notifications subscribers accepted (2xx) so far. */
  public int notificationsDelivered() {
    return subscriptions.delivered();
  }

  /**
   * What became of the change and lifecycle notifications so far, as one line: how many were queued,
   * delivered (2xx), attempts that failed (by cause), notifications waiting for a retry, and dropped
   * ones (retry window over, endpoint marked drop, too many pending).
   */
  public String notificationStats() {
    return subscriptions.sender().stats().toString();
  }

  /** How many notifications were given up so far (never delivered). */
  public long notificationsDropped() {
    return subscriptions.sender().stats().dropped();
  }

  /**
   * How long an undelivered notification is retried (Graph: 4 hours) and the first pause before a
   * retry (1 s here, doubling up to 15 minutes); for tests that watch a notification being given up.
   */
  public GraphSandbox notificationRetries(Duration window, Duration firstRetry) {
    subscriptions.sender().retryWindow(window, firstRetry);
    return this;
  }

  /** The ids of the active subscriptions on {@code mailbox}'s mail. */
  public java.util.List<String> subscriptionIds(String mailbox) {
    return mailboxes.existing(mailbox).map(box -> subscriptions.of(box.address()).stream().map(s -> s.id).toList())
        .orElse(java.util.List.of());
  }

  /**
   * The clientState the subscription was created with (what each of its notifications carries), for
   * tests that check where a subscriber keeps it; empty for an unknown subscription or one without.
   */
  public java.util.Optional<String> clientState(String subscriptionId) {
    return subscriptions.any(subscriptionId).map(s -> s.clientState);
  }

  /**
   * Sends the subscription the lifecycle notification {@code lifecycleEvent}: {@code missed}
   * (notifications were lost), {@code reauthorizationRequired} (no change notifications until it
   * is renewed or reauthorized) or {@code subscriptionRemoved} (it is gone).
   *
   * @throws NoSuchElementException for an unknown subscription
   * @throws IllegalArgumentException for another event
   */
  public void lifecycle(String subscriptionId, String lifecycleEvent) {
    if (!java.util.Set.of("missed", "reauthorizationRequired", "subscriptionRemoved").contains(lifecycleEvent)) {
      throw new IllegalArgumentException("No lifecycle event " + lifecycleEvent);
    }
    subscriptions.lifecycle(subscriptions.any(subscriptionId)
        .orElseThrow(() -> new NoSuchElementException("No subscription " + subscriptionId)), lifecycleEvent);
  }

  /** Lets the subscription expire now: it no longer notifies, and Graph no longer knows it (404). */
  public void expireSubscription(String subscriptionId) {
    subscriptions.any(subscriptionId).orElseThrow(() -> new NoSuchElementException("No subscription " + subscriptionId))
        .expiration = java.time.Instant.now().minusSeconds(1);
  }

  /** Every request received so far (the last 1000), as {@code METHOD uri} with the path as sent. */
  public java.util.List<String> requests() {
    return log.requests();
  }

  /** Creates the mailbox of {@code address} if it does not exist yet, so that mail sent to it arrives. */
  public void createMailbox(String address) {
    mailboxes.open(address);
  }

  /**
   * Stores {@code rfc822} in {@code mailbox} as received, unread mail in the folder with
   * {@code folderWellKnownName} (e.g. {@code inbox}), received at its Date header when it has
   * one, in the conversation its In-Reply-To/References name. Returns the new message id.
   *
   * @throws IllegalArgumentException for a folder name Graph does not know or bytes that do not parse
   */
  public String deliver(String mailbox, byte[] rfc822, String folderWellKnownName) {
    try {
      return mailboxes.deliver(mailbox, rfc822.clone(), folderWellKnownName).id;
    } catch (GraphException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** How many messages the folder with {@code folderWellKnownName} holds (0 for a mailbox never used). */
  public int count(String mailbox, String folderWellKnownName) {
    return mailboxes.existing(mailbox)
        .map(box -> box.locked(() -> box.total(box.folders().wellKnown(folderWellKnownName)))).orElse(0);
  }

  /**
   * The internetMessageId of every message in the folder with {@code folderWellKnownName}, one
   * entry per message (a message sent twice appears twice).
   */
  public java.util.List<String> internetMessageIds(String mailbox, String folderWellKnownName) {
    return mailboxes.existing(mailbox)
        .map(box -> box.locked(() -> box.internetMessageIds(box.folders().wellKnown(folderWellKnownName))))
        .orElse(java.util.List.of());
  }

  /** The RFC 822 of a message as {@code GET .../$value} serves it. @throws NoSuchElementException if there is none */
  public byte[] mime(String mailbox, String messageId) {
    return message(mailbox, messageId, m -> m.mime != null ? m.mime.clone() : MimeWriter.write(m));
  }

  /** The well-known name of the folder a message is in, or the display name of a folder a user made. */
  public String folderOf(String mailbox, String messageId) {
    Mailbox box = mailboxes.existing(mailbox).orElseThrow(() -> new NoSuchElementException("No mailbox " + mailbox));
    return message(mailbox, messageId, m -> {
      Folder folder = box.folders().resolve(m.folderId);
      return folder.wellKnownName() != null ? folder.wellKnownName() : folder.displayName();
    });
  }

  /**
   * Makes the next {@code count} API calls, whatever the mailbox, fail with {@code httpStatus}
   * and {@code code} in Graph's error format, e.g. 429 TooManyRequests or ApplicationThrottled and
   * 503 ServiceNotAvailable (both with {@code Retry-After: 2}), 401 InvalidAuthenticationToken,
   * 500 generalException. Replaces failures still queued.
   */
  public void failNext(int count, int httpStatus, String code) {
    failNext(count, httpStatus, code, httpStatus == 429 || httpStatus == 503 ? Duration.ofSeconds(2) : null);
  }

  /** As {@link #failNext(int, int, String)}, with a {@code Retry-After} of {@code retryAfter} (none if null). */
  public void failNext(int count, int httpStatus, String code, Duration retryAfter) {
    gate.failNext(count, httpStatus, code, retryAfter);
  }

  /** Delays every answer by {@code latency} (without blocking the event loop); zero turns it off. */
  public void latency(Duration latency) {
    gate.latency(latency);
  }

  /**
   * How many requests so far had {@code method} and a path ending in {@code pathSuffix}, e.g.
   * {@code calls("POST", "/sendMail")}.
   */
  public int calls(String method, String pathSuffix) {
    return gate.calls(method, pathSuffix);
  }

  /**
   * The most requests of one mailbox that were in flight at the same time so far, the throttled
   * ones included: a client that keeps Graph's limit never makes this exceed 4.
   */
  public int maxConcurrent() {
    return gate.maxConcurrent();
  }

  private <T> T message(String mailbox, String messageId, Function<GraphMessage, T> read) {
    Mailbox box = mailboxes.existing(mailbox).orElseThrow(() -> new NoSuchElementException("No mailbox " + mailbox));
    try {
      return box.locked(() -> read.apply(box.message(messageId)));
    } catch (GraphException e) {
      throw new NoSuchElementException("No message " + messageId + " in " + mailbox);
    }
  }
}
