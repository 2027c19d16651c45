package dev.mailgate.server.sandbox.graph;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Set;

/**
 * One change-notification subscription (https://learn.microsoft.com/graph/api/resources/subscription)
 * on the messages of a mailbox ({@code folderId} null) or of one folder. Its expiry and the state
 * of the access token it was authorized with change; the rest is fixed.
 */
final class Subscription {

  final String id;
  final String mailbox;
  final String userId;
  final String resource;
  final String folderId;
  final Set<String> changeTypes;
  final String changeType;
  final String notificationUrl;
  final String lifecycleNotificationUrl;
  final String clientState;
  volatile Instant expiration;
  /** When the access token that created or last renewed it expires: Graph then asks for reauthorization. */
  volatile Instant accessExpiry;
  /** A reauthorizationRequired was sent and not yet answered by a renewal: no notifications until then. */
  volatile boolean awaitingReauthorization;

  Subscription(String id, String mailbox, String userId, String resource, String folderId, Set<String> changeTypes,
      String changeType, String notificationUrl, String lifecycleNotificationUrl, String clientState,
      Instant expiration, Instant accessExpiry) {
    this.id = id;
    this.mailbox = mailbox;
    this.userId = userId;
    this.resource = resource;
    this.folderId = folderId;
    this.changeTypes = Set.copyOf(changeTypes);
    this.changeType = changeType;
    this.notificationUrl = notificationUrl;
    this.lifecycleNotificationUrl = lifecycleNotificationUrl;
    this.clientState = clientState;
    this.expiration = expiration;
    this.accessExpiry = accessExpiry;
  }

  boolean activeAt(Instant now) {
    return expiration.isAfter(now);
  }

  /** The subscription as Graph returns it. */
  JsonObject toJson(String origin) {
    return new JsonObject()
        .put("@odata.context", origin + RouteTable.ROOT + "/$metadata#subscriptions/$entity")
        .put("id", id)
        .put("resource", resource)
        .put("applicationId", Subscriptions.APPLICATION_ID)
        .put("changeType", changeType)
        .put("clientState", clientState)
        .put("notificationUrl", notificationUrl)
        .put("lifecycleNotificationUrl", lifecycleNotificationUrl)
        .put("expirationDateTime", expiration.toString())
        .put("creatorId", userId)
        .put("includeResourceData", false)
        .put("latestSupportedTlsVersion", "v1_2")
        .put("notificationUrlAppId", null)
        .put("notificationQueryOptions", null);
  }
}
