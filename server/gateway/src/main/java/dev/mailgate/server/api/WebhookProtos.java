package dev.mailgate.server.api;

import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.proto.v1.WebhookDeliveryStatus;
import dev.mailgate.proto.v1.WebhookEndpoint;
import dev.mailgate.server.events.EventType;
import dev.mailgate.server.webhook.WebhookDelivery;
import java.util.Map;

/** Webhook endpoints and deliveries to {@code mailgate.v1} messages, each by a table. */
final class WebhookProtos {

  private static final Map<WebhookDelivery.Status, WebhookDeliveryStatus> STATUSES = Map.of(
      WebhookDelivery.Status.PENDING, WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_PENDING,
      WebhookDelivery.Status.SUCCEEDED, WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_SUCCEEDED,
      WebhookDelivery.Status.DEAD_LETTERED, WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_DEAD_LETTERED);

  private WebhookProtos() {}

  static WebhookEndpoint endpoint(dev.mailgate.server.webhook.WebhookEndpoint endpoint) {
    WebhookEndpoint.Builder proto = WebhookEndpoint.newBuilder()
        .setWebhookEndpointId(endpoint.id().toString())
        .setUrl(endpoint.url())
        .addAllUserIds(endpoint.userIds())
        .setEnabled(endpoint.enabled())
        .setDisabledReason(endpoint.disabledReason().orElse(""))
        .setCreateTime(ProtoTime.of(endpoint.createTime()))
        .setUpdateTime(ProtoTime.of(endpoint.updateTime()));
    endpoint.eventTypes().forEach(type -> proto.addEventTypes(type(type)));
    endpoint.previousSecretExpireTime().ifPresent(time -> proto.setPreviousSecretExpireTime(ProtoTime.of(time)));
    return proto.build();
  }

  static dev.mailgate.proto.v1.WebhookDelivery delivery(WebhookDelivery delivery) {
    dev.mailgate.proto.v1.WebhookDelivery.Builder proto = dev.mailgate.proto.v1.WebhookDelivery.newBuilder()
        .setDeliveryId(Long.toString(delivery.id()))
        .setWebhookEndpointId(delivery.endpointId().toString())
        .setEventId(delivery.eventId().toString())
        .setEventType(delivery.eventType().equals(WebhookDelivery.TEST_EVENT)
            ? MailboxEventType.MAILBOX_EVENT_TYPE_WEBHOOK_TEST : type(EventType.valueOf(delivery.eventType())))
        .setConnectionId(delivery.connectionId().map(Object::toString).orElse(""))
        .setStatus(STATUSES.get(delivery.status()))
        .setAttempts(delivery.attempts())
        .setLastStatusCode(delivery.lastStatusCode())
        .setLastError(delivery.lastError().orElse(""))
        .setCreateTime(ProtoTime.of(delivery.createTime()))
        .setUpdateTime(ProtoTime.of(delivery.updateTime()));
    delivery.nextAttemptTime().ifPresent(time -> proto.setNextAttemptTime(ProtoTime.of(time)));
    return proto.build();
  }

  /** The domain status a filter names; null for the zero value (no filter). */
  static WebhookDelivery.Status status(WebhookDeliveryStatus status) {
    return STATUSES.entrySet().stream().filter(e -> e.getValue() == status).map(Map.Entry::getKey).findFirst()
        .orElse(null);
  }

  private static MailboxEventType type(EventType type) {
    return MailboxEventType.valueOf("MAILBOX_EVENT_TYPE_" + type.name());
  }
}
