package dev.mailgate.server.sandbox.graph;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.HttpClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The subscriptions of all sandbox mailboxes and the delivery of their notifications
 * (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks): the validation
 * handshake before a subscription is created, change notifications POSTed asynchronously to the
 * notificationUrl for each change in the subscribed resource (by {@link NotificationSender}: retried
 * with backoff for hours while the endpoint answers other than 2xx; lost always while
 * {@link #dropNotifications} is on), and lifecycle notifications (https://learn.microsoft.com/graph/change-notifications-lifecycle-events)
 * to the lifecycleNotificationUrl. A subscription whose access token expired gets one
 * reauthorizationRequired and no change notifications until it is renewed.
 */
final class Subscriptions {

  static final Duration MAX_LIFETIME = Duration.ofMinutes(4230);
  static final Duration MIN_LIFETIME = Duration.ofMinutes(45);
  static final Duration VALIDATION_TIMEOUT = Duration.ofSeconds(10);
  static final String TENANT_ID = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";
  static final String APPLICATION_ID = "24d3b144-21ae-4080-943f-7067b395b913";
  private static final int MAX_SUBSCRIPTIONS = 10_000;

  private final Map<String, Subscription> byId = new ConcurrentHashMap<>();
  private final NotificationSender sender = new NotificationSender();
  private volatile boolean drop;

  /** The HTTP client that calls subscribers, made on first use from the server's Vert.x. */
  HttpClient http(Vertx from) {
    return sender.http(from);
  }

  void dropNotifications(boolean on) {
    drop = on;
  }

  int delivered() {
    return (int) sender.stats().delivered();
  }

  NotificationSender sender() {
    return sender;
  }

  Optional<Subscription> get(String id, String mailbox) {
    Subscription s = byId.get(id);
    if (s == null || !s.mailbox.equals(mailbox) || !s.activeAt(Instant.now())) {
      return Optional.empty();
    }
    return Optional.of(s);
  }

  Optional<Subscription> any(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  List<Subscription> of(String mailbox) {
    Instant now = Instant.now();
    return byId.values().stream().filter(s -> s.mailbox.equals(mailbox) && s.activeAt(now)).toList();
  }

  void add(Subscription subscription) {
    byId.values().removeIf(s -> !s.activeAt(Instant.now()));
    if (byId.size() >= MAX_SUBSCRIPTIONS) {
      throw new GraphException(403, "ExtensionError", "Operation: Create; Exception: [Status Code: Forbidden; "
          + "Reason: The maximum number of subscriptions has been reached.]");
    }
    byId.put(subscription.id, subscription);
  }

  boolean remove(String id) {
    return byId.remove(id) != null;
  }

  /**
   * The validation request Graph sends before it creates a subscription: POST {@code url}
   * ?validationToken=..., answered 200 with the token as the text body within 10 seconds.
   */
  Future<Void> validate(Vertx from, String url) {
    String token = "Validation: Testing client application reachability for subscription Request-Id: "
        + UUID.randomUUID();
    String separator = url.contains("?") ? "&" : "?";
    String target = url + separator + "validationToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    Future<Map.Entry<Integer, String>> answer = NotificationSender.post(http(from), target, "text/plain; charset=utf-8", Buffer.buffer(),
        VALIDATION_TIMEOUT);
    return answer.timeout(VALIDATION_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .recover(unreachable -> Future.failedFuture(validationFailed()))
        .compose(response -> response.getKey() == 200 && token.equals(response.getValue())
            ? Future.<Void>succeededFuture() : Future.failedFuture(validationFailed()));
  }

  static GraphException validationFailed() {
    return new GraphException(400, "ValidationError", "Subscription validation request failed. Notification "
        + "endpoint must respond with 200 OK to validation request.");
  }

  /** Notifies the subscriptions a change to a message concerns. Runs under the mailbox's lock: only queues. */
  void changed(Mailbox.Change change) {
    if (byId.isEmpty()) {
      return;
    }
    Instant now = Instant.now();
    String etag = null;
    try {
      etag = "W/\"" + change.mailbox().message(change.messageId()).changeKey() + "\"";
    } catch (GraphException gone) {
      // deleted: no change key any more
    }
    for (Subscription s : byId.values()) {
      if (!s.mailbox.equals(change.mailbox().address()) || !s.activeAt(now)) {
        continue;
      }
      String type = typeFor(s, change);
      if (type == null || !s.changeTypes.contains(type)) {
        continue;
      }
      if (s.awaitingReauthorization) {
        continue;
      }
      if (s.accessExpiry.isBefore(now)) {
        requireReauthorization(s);
        continue;
      }
      String path = "Users/" + s.userId + "/Messages/" + change.messageId();
      JsonObject resourceData = new JsonObject().put("@odata.type", "#Microsoft.Graph.Message")
          .put("@odata.id", path).put("id", change.messageId());
      if (etag != null) {
        resourceData.put("@odata.etag", etag);
      }
      JsonObject notification = new JsonObject()
          .put("subscriptionId", s.id)
          .put("subscriptionExpirationDateTime", s.expiration.toString())
          .put("changeType", type)
          .put("resource", path)
          .put("resourceData", resourceData)
          .put("clientState", s.clientState)
          .put("tenantId", TENANT_ID);
      post(s.notificationUrl, new JsonObject().put("value", new JsonArray().add(notification)));
    }
  }

  /** What a change is for the subscription's resource: a move is created/deleted for a folder, updated for all mail. */
  private static String typeFor(Subscription s, Mailbox.Change change) {
    if (s.folderId == null) {
      return change.changeType().equals("moved") ? "updated" : change.changeType();
    }
    boolean here = s.folderId.equals(change.folderId());
    return switch (change.changeType()) {
      case "moved" -> here ? "created" : s.folderId.equals(change.previousFolderId()) ? "deleted" : null;
      default -> here ? change.changeType() : null;
    };
  }

  /** Sends a lifecycle notification; {@code subscriptionRemoved} also ends the subscription. */
  void lifecycle(Subscription s, String event) {
    if (event.equals("reauthorizationRequired")) {
      s.awaitingReauthorization = true;
    }
    if (event.equals("subscriptionRemoved")) {
      byId.remove(s.id);
    }
    if (s.lifecycleNotificationUrl == null) {
      return;
    }
    JsonObject notification = new JsonObject()
        .put("subscriptionId", s.id)
        .put("subscriptionExpirationDateTime", s.expiration.toString())
        .put("tenantId", TENANT_ID)
        .put("clientState", s.clientState)
        .put("lifecycleEvent", event);
    post(s.lifecycleNotificationUrl, new JsonObject().put("value", new JsonArray().add(notification)));
  }

  private void requireReauthorization(Subscription s) {
    lifecycle(s, "reauthorizationRequired");
  }

  private void post(String url, JsonObject body) {
    if (drop) {
      return;
    }
    sender.send(url, body);
  }
}
