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
import java.util.Base64;
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
 * constant time) reaches the inbox; the others are dropped without saying which. One whose
 * subscription this node does not watch is relayed to the other nodes with its clientState's
 * digest, and the node that watches it checks it the same way ({@link #relayed}). Every well-formed
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

  /** What a notification asks of the watcher. */
  private enum Notice { CHANGED, MISSED, RESUBSCRIBE }

  private void handOver(JsonArray value, boolean lifecycle) {
    Set<WatchKey> changed = new LinkedHashSet<>();
    for (Object entry : value) {
      JsonObject notification = (JsonObject) entry;
      Notice notice = lifecycle ? lifecycleNotice(notification.getValue("lifecycleEvent")) : Notice.CHANGED;
      if (notice == null || !(notification.getValue("subscriptionId") instanceof String id) || id.isEmpty()
          || id.contains(" ")) {
        continue;
      }
      byte[] given = digest(notification.getValue("clientState") instanceof String text ? text : "");
      if (inbox.bySubscription(kind, id).isEmpty()) {
        // Another node may watch it: it checks the clientState (by its digest; the secret stays here).
        inbox.relay(kind, notice + " " + id + " " + Base64.getEncoder().encodeToString(given));
        continue;
      }
      verified(id, given).ifPresent(key -> {
        if (notice == Notice.CHANGED) {
          changed.add(key);
        } else {
          act(notice, key);
        }
      });
    }
    changed.forEach(inbox::changed);
  }

  /** A notification another node received ({@code NOTICE subscriptionId base64(SHA-256(clientState))}). */
  void relayed(String payload) {
    String[] parts = payload.split(" ", 3);
    try {
      Notice notice = Notice.valueOf(parts[0]);
      byte[] given = Base64.getDecoder().decode(parts[2]);
      verified(parts[1], given).ifPresent(key -> act(notice, key));
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException malformed) {
      log.warn("a relayed Graph notification was malformed");
    }
  }

  private void act(Notice notice, WatchKey key) {
    switch (notice) {
      case CHANGED -> inbox.changed(key);
      case MISSED -> inbox.missed(key);
      case RESUBSCRIBE -> inbox.resubscribe(key);
    }
  }

  private static Notice lifecycleNotice(Object event) {
    if ("missed".equals(event)) {
      return Notice.MISSED;
    }
    if ("reauthorizationRequired".equals(event) || "subscriptionRemoved".equals(event)) {
      return Notice.RESUBSCRIBE;
    }
    return null;
  }

  /**
   * The watched connection of the subscription, if this node watches it and the clientState given
   * ({@code given}: its SHA-256) matches the subscription's (compared in constant time).
   */
  private Optional<WatchKey> verified(String id, byte[] given) {
    return inbox.bySubscription(kind, id)
        .filter(s -> s.subscription().id().map(id::equals).orElse(false))
        .filter(s -> GraphPushChannel.SubscriptionState.decode(s.subscription().state())
            .map(state -> MessageDigest.isEqual(digest(state.clientState()), given))
            .orElse(false))
        .map(PushInbox.Subscribed::key);
  }

  private static byte[] digest(String clientState) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(clientState.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
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
