package dev.mailgate.server.sandbox.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /v1.0/subscriptions} (https://learn.microsoft.com/graph/api/subscription-post-subscriptions):
 * create (after the validation handshake with the notification and lifecycle URLs), get, list,
 * renew (PATCH expirationDateTime), reauthorize and delete, on the caller's mail:
 * {@code me/messages} or {@code me/mailFolders('{id}')/messages}. An expiry more than 4230 minutes
 * away is refused, one less than 45 minutes away is moved to 45 minutes. Unlike Graph the sandbox
 * accepts {@code http} notification URLs (loopback tests have no TLS).
 */
final class SubscriptionRoutes {

  private static final String ROOT = RouteTable.ROOT + "/subscriptions";
  private static final Pattern RESOURCE = Pattern.compile(
      "/?(?:me|users/[^/]+)/(?:(messages)|mailFolders(?:\\('([^']+)'\\)|/([^/]+))/messages)", Pattern.CASE_INSENSITIVE);
  private static final Set<String> CHANGE_TYPES = Set.of("created", "updated", "deleted");

  private final Subscriptions subscriptions;

  SubscriptionRoutes(Subscriptions subscriptions) {
    this.subscriptions = subscriptions;
  }

  void register(Router router) {
    router.post(ROOT).handler(this::create);
    router.get(ROOT).handler(this::list);
    router.get(ROOT + "/:id").handler(ctx -> Odata.json(ctx, 200, find(ctx).toJson(Odata.origin(ctx))));
    router.patch(ROOT + "/:id").handler(this::renew);
    router.post(ROOT + "/:id/reauthorize").handler(ctx -> {
      Subscription s = find(ctx);
      s.accessExpiry = tokenExpiry(ctx);
      s.awaitingReauthorization = false;
      Odata.noContent(ctx);
    });
    router.delete(ROOT + "/:id").handler(ctx -> {
      subscriptions.remove(find(ctx).id);
      Odata.noContent(ctx);
    });
  }

  private void create(RoutingContext ctx) {
    Mailbox mailbox = Gate.mailbox(ctx);
    JsonObject body = RequestBodies.json(ctx);
    Set<String> types = new LinkedHashSet<>();
    String changeType = body.getValue("changeType") instanceof String text ? text : "";
    Arrays.stream(changeType.split(",")).map(t -> t.trim().toLowerCase(Locale.ROOT)).filter(t -> !t.isEmpty())
        .forEach(types::add);
    if (types.isEmpty() || !CHANGE_TYPES.containsAll(types)) {
      throw invalid("changeType must be a comma-separated list of created, updated and deleted.");
    }
    String notificationUrl = url(body, "notificationUrl", true);
    String lifecycleUrl = url(body, "lifecycleNotificationUrl", false);
    String resource = body.getValue("resource") instanceof String text ? text : "";
    Matcher matcher = RESOURCE.matcher(resource);
    if (!matcher.matches()) {
      throw invalid("Resource '" + resource + "' is not supported by the sandbox; subscribe to me/messages or "
          + "me/mailFolders('{id}')/messages.");
    }
    String folder = matcher.group(1) != null ? null : matcher.group(2) != null ? matcher.group(2) : matcher.group(3);
    String folderId = folder == null ? null : mailbox.locked(() -> mailbox.folders().resolve(folder).id());
    Instant expiration = expiration(body);
    String clientState = body.getValue("clientState") instanceof String text ? text : null;
    if (clientState != null && clientState.length() > 128) {
      throw invalid("clientState must be at most 128 characters.");
    }
    Subscription subscription = new Subscription(UUID.randomUUID().toString(), mailbox.address(), mailbox.userId(),
        resource, folderId, types, String.join(",", types), notificationUrl, lifecycleUrl, clientState, expiration,
        tokenExpiry(ctx));
    subscriptions.validate(ctx.vertx(), notificationUrl)
        .compose(ok -> lifecycleUrl == null ? io.vertx.core.Future.succeededFuture()
            : subscriptions.validate(ctx.vertx(), lifecycleUrl))
        .onSuccess(ok -> {
          try {
            subscriptions.add(subscription);
            Odata.json(ctx, 201, subscription.toJson(Odata.origin(ctx)));
          } catch (GraphException refused) {
            GraphErrors.send(ctx, refused);
          }
        })
        .onFailure(failed -> GraphErrors.send(ctx, failed instanceof GraphException graph ? graph
            : Subscriptions.validationFailed()));
  }

  private void list(RoutingContext ctx) {
    JsonArray value = new JsonArray();
    subscriptions.of(Gate.mailbox(ctx).address()).forEach(s -> {
      JsonObject json = s.toJson(Odata.origin(ctx));
      json.remove("@odata.context");
      value.add(json);
    });
    Odata.json(ctx, 200, new JsonObject().put("@odata.context", Odata.origin(ctx) + RouteTable.ROOT
        + "/$metadata#subscriptions").put("value", value));
  }

  private void renew(RoutingContext ctx) {
    Subscription s = find(ctx);
    JsonObject body = RequestBodies.json(ctx);
    if (body.containsKey("expirationDateTime")) {
      s.expiration = expiration(body);
    }
    s.accessExpiry = tokenExpiry(ctx);
    s.awaitingReauthorization = false;
    Odata.json(ctx, 200, s.toJson(Odata.origin(ctx)));
  }

  /** The caller's active subscription by id; 404 as Graph answers for one it does not have (or that expired). */
  private Subscription find(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return subscriptions.get(id, Gate.mailbox(ctx).address()).orElseThrow(() -> new GraphException(404,
        "ResourceNotFound", "The object was not found."));
  }

  private static Instant expiration(JsonObject body) {
    Instant expiration;
    try {
      expiration = Instant.parse(String.valueOf(body.getValue("expirationDateTime")));
    } catch (DateTimeParseException e) {
      throw invalid("expirationDateTime must be a date-time.");
    }
    Instant now = Instant.now();
    if (expiration.isAfter(now.plus(Subscriptions.MAX_LIFETIME))) {
      throw new GraphException(400, "ExtensionError", "Operation: Create; Exception: [Status Code: BadRequest; "
          + "Reason: Subscription expiration can only be 4230 minutes in the future.]");
    }
    Instant least = now.plus(Subscriptions.MIN_LIFETIME);
    return expiration.isBefore(least) ? least : expiration;
  }

  private static String url(JsonObject body, String field, boolean required) {
    Object value = body.getValue(field);
    if (value == null && !required) {
      return null;
    }
    try {
      URI uri = URI.create(String.valueOf(value));
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null) {
        return uri.toString();
      }
    } catch (IllegalArgumentException malformed) {
      // answered below
    }
    throw invalid("The " + field + " must be an absolute https URL.");
  }

  private static GraphException invalid(String message) {
    return new GraphException(400, "InvalidRequest", message);
  }

  /** When the caller's bearer token expires (the sandbox's tokens are JWTs with {@code exp}). */
  private static Instant tokenExpiry(RoutingContext ctx) {
    String authorization = ctx.request().getHeader("authorization");
    try {
      String payload = authorization.substring("Bearer ".length()).split("\\.")[1];
      JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
      return Instant.ofEpochSecond(claims.getLong("exp"));
    } catch (RuntimeException unreadable) {
      return Instant.now().plusSeconds(3600);
    }
  }
}
