package dev.mailgate.server.webhook;

import dev.mailgate.server.BlockingPool;
import dev.mailgate.server.egress.EgressPolicy;
import dev.mailgate.server.events.EventLog;
import dev.mailgate.server.events.EventWakeups;
import dev.mailgate.server.tenant.TenantRegistry;
import io.vertx.core.Vertx;

/** Webhooks as the gateway wires them: the service the API calls and the dispatcher that delivers. */
public record Webhooks(WebhookService service, WebhookDispatcher dispatcher) {

  public static Webhooks create(Vertx vertx, TenantRegistry tenants, EventLog eventLog, EventWakeups wakeups,
      EventBodies bodies, EgressPolicy egress, WebhookPolicy policy) {
    EndpointStore endpoints = new EndpointStore();
    DeliveryStore deliveries = new DeliveryStore();
    WebhookDispatcher dispatcher = new WebhookDispatcher(vertx, tenants, wakeups, endpoints, deliveries,
        new EventQueueing(eventLog, endpoints, deliveries, bodies, policy), new WebhookSender(vertx, egress, policy),
        policy);
    BlockingPool resolver = new BlockingPool(vertx, "mailgate-webhook-url-check", 2, 64);
    return new Webhooks(new WebhookService(endpoints, deliveries, bodies, egress, resolver, policy, dispatcher),
        dispatcher);
  }
}
