package dev.mailgate.server.webhook;

import dev.mailgate.server.crypto.TokenCipher;
import dev.mailgate.server.events.EventLog;
import dev.mailgate.server.events.EventPage;
import dev.mailgate.server.events.EventScope;
import dev.mailgate.server.events.StoredEvent;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the tenant's enabled endpoints along the event log: for each endpoint no other node holds
 * (FOR UPDATE SKIP LOCKED), reads a bounded page of the events it wants after its position, queues
 * one delivery per event and moves its position past them, all in one transaction. A crash before
 * the commit leaves the position where it was: the events are queued again by the next pass.
 */
final class EventQueueing {

  private static final Logger log = LoggerFactory.getLogger(EventQueueing.class);

  private final EventLog eventLog;
  private final EndpointStore endpoints;
  private final DeliveryStore deliveries;
  private final EventBodies bodies;
  private final WebhookPolicy policy;

  EventQueueing(EventLog eventLog, EndpointStore endpoints, DeliveryStore deliveries, EventBodies bodies,
      WebhookPolicy policy) {
    this.eventLog = eventLog;
    this.endpoints = endpoints;
    this.deliveries = deliveries;
    this.bodies = bodies;
    this.policy = policy;
  }

  /**
   * Queues the next events of every enabled endpoint, a batch of endpoints per transaction in id
   * order; true if some endpoint has more to read at once.
   */
  Future<Boolean> queue(Tenant tenant) {
    return tenant.cipher().compose(cipher -> queueAfter(tenant, cipher, DeliveryStore.NO_CONNECTION, false));
  }

  private Future<Boolean> queueAfter(Tenant tenant, TokenCipher cipher, UUID after, boolean moreSoFar) {
    return tenant.withTransaction(tx -> endpoints.claimForQueueing(tx, after, policy.batchSize()).compose(claimed -> {
      Future<Boolean> more = Future.succeededFuture(false);
      for (EndpointStore.Queueing endpoint : claimed) {
        more = more.compose(before -> queueOne(tenant, tx, cipher, endpoint).map(full -> before || full));
      }
      return more.map(full -> new Page(full, claimed.size() < policy.batchSize() ? null
          : claimed.get(claimed.size() - 1).id()));
    })).compose(page -> page.last() == null ? Future.succeededFuture(moreSoFar || page.more())
        : queueAfter(tenant, cipher, page.last(), moreSoFar || page.more()));
  }

  /** What one transaction's batch of endpoints left: more events to read, and the last endpoint if a batch may follow. */
  private record Page(boolean more, UUID last) {}

  private Future<Boolean> queueOne(Tenant tenant, SqlClient tx, TokenCipher cipher, EndpointStore.Queueing endpoint) {
    EventScope scope = EventScope.tenant(endpoint.userIds(), List.of(), endpoint.eventTypes());
    return eventLog.read(tx, scope, endpoint.position(), policy.batchSize()).compose(page -> {
      if (page.expired()) {
        log.warn("tenant={} webhook_endpoint={} fell behind the event log's retention; events were missed,"
            + " it continues from now", tenant.id(), endpoint.id());
      }
      if (page.next().equals(endpoint.position()) && page.events().isEmpty()) {
        return Future.succeededFuture(false);
      }
      return deliveries.insert(tx, queued(cipher, endpoint, page))
          .compose(inserted -> endpoints.move(tx, endpoint.id(), page.next()))
          .map(moved -> page.events().size() >= policy.batchSize());
    });
  }

  private List<DeliveryStore.Queued> queued(TokenCipher cipher, EndpointStore.Queueing endpoint, EventPage page) {
    List<DeliveryStore.Queued> queued = new ArrayList<>();
    for (StoredEvent event : page.events()) {
      String cursor = WebhookCursors.seal(cipher, endpoint.id(), event.position());
      queued.add(new DeliveryStore.Queued(endpoint.id(), event.eventId(), event.type().name(), event.connectionId(),
          bodies.of(event, cursor, policy.maxBodyBytes())));
    }
    return queued;
  }
}
