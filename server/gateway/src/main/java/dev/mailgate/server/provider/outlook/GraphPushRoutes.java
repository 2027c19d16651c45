package dev.mailgate.server.provider.outlook;

import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.watch.PushInbox;
import dev.mailgate.server.watch.WatchKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes Graph delivers to. Both answer the validation handshake (a POST with
 * {@code ?validationToken=}: 200, {@code text/plain}, the token echoed, HTML-escaped as Microsoft
 * asks). A notification names its subscription and carries the clientState given when it was
 * created: only one whose subscription is watched and whose clientState matches (compared in
 * constant time) reaches the inbox; the others are dropped without saying which. Every well-formed
 * delivery is answered 202 at once (Graph wants an answer within 3 seconds); one that is not JSON
 * of Graph's shape is 400.
 */
final class GraphPushRoutes {

  static final String NOTIFICATIONS = "/push/graph";
  static final String LIFECYCLE = "/push/graph/lifecycle";
  /** Graph batches notifications; a batch of hundreds is far below this. */
  private static final long BODY_LIMIT = 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(GraphPushRoutes.class);

  private final PushInbox inbox;
  private final ProviderKind kind;

  GraphPushRoutes(PushInbox inbox, ProviderKind kind) {
    this.inbox = inbox;
    this.kind = kind;
  }

  void mount(Router router) {
    router.post(NOTIFICATIONS).handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
        .handler(ctx -> deliver(ctx, false));
    router.post(LIFECYCLE).handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
        .handler(ctx -> deliver(ctx, true));
  }

  private void deliver(RoutingContext ctx, boolean lifecycle) {
    String token = ctx.request().getParam("validationToken");
    if (token != null) {
      ctx.response().setStatusCode(200).putHeader("content-type", "text/plain; charset=utf-8").end(escape(token));
      return;
    }
    JsonArray value;
    try {
      value = ctx.body().asJsonObject().getJsonArray("value");
      if (value == null) {
        throw new IllegalArgumentException("no value");
      }
      value.forEach(entry -> {
        if (!(entry instanceof JsonObject)) {
          throw new IllegalArgumentException("not an object");
        }
      });
    } catch (RuntimeException malformed) {
      ctx.response().setStatusCode(400).end();
      return;
    }
    try {
      handOver(value, lifecycle);
    } catch (RuntimeException failed) {
      // A notification only says "look now": the next poll covers one the watcher could not take.
      log.warn("Graph notifications could not be handed to the watcher", failed);
    }
    ctx.response().setStatusCode(202).end();
  }

  private void handOver(JsonArray value, boolean lifecycle) {
    Set<WatchKey> changed = new LinkedHashSet<>();
    for (Object entry : value) {
      JsonObject notification = (JsonObject) entry;
      Optional<WatchKey> key = verified(notification);
      if (key.isEmpty()) {
        continue;
      }
      if (!lifecycle) {
        changed.add(key.get());
      } else {
        Object event = notification.getValue("lifecycleEvent");
        if ("missed".equals(event)) {
          inbox.missed(key.get());
        } else if ("reauthorizationRequired".equals(event) || "subscriptionRemoved".equals(event)) {
          inbox.resubscribe(key.get());
        }
      }
    }
    changed.forEach(inbox::changed);
  }

  /** The watched connection a notification is for, if its subscription is known and its clientState matches. */
  private Optional<WatchKey> verified(JsonObject notification) {
    if (!(notification.getValue("subscriptionId") instanceof String id) || id.isEmpty()) {
      return Optional.empty();
    }
    String given = notification.getValue("clientState") instanceof String text ? text : "";
    return inbox.bySubscription(kind, id)
        .filter(s -> s.subscription().id().map(id::equals).orElse(false))
        .filter(s -> GraphPushChannel.SubscriptionState.decode(s.subscription().state())
            .map(state -> MessageDigest.isEqual(state.clientState().getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8)))
            .orElse(false))
        .map(PushInbox.Subscribed::key);
  }

  /** The token as HTML text: Microsoft asks endpoints to escape what they echo. */
  static String escape(String token) {
    StringBuilder escaped = new StringBuilder(token.length());
    for (char c : token.toCharArray()) {
      switch (c) {
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '&' -> escaped.append("&amp;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }
}
