package dev.mailgate.server.webhook;

import dev.mailgate.server.BlockingPool;
import dev.mailgate.server.crypto.SecretField;
import dev.mailgate.server.egress.EgressGuard;
import dev.mailgate.server.egress.EgressPolicy;
import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.events.EventType;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tenant's webhook endpoints and their deliveries. Secrets are made here, stored encrypted with
 * the tenant's keyset (bound to the tenant and the endpoint) and handed back only by
 * {@link #create} and {@link #rotate}. A URL is checked when it is set (its scheme, and every
 * address its host resolves to against the tenant's egress policy) and again at every attempt. The
 * API layer ({@code api.WebhookApi}) validates the rest of each request and maps it to these calls.
 */
public final class WebhookService {

  private static final Logger log = LoggerFactory.getLogger(WebhookService.class);
  /** The longest grace period a rotation may give the previous secret. */
  public static final Duration MAX_GRACE_PERIOD = Duration.ofDays(7);

  private final EndpointStore endpoints;
  private final DeliveryStore deliveries;
  private final EventBodies bodies;
  private final EgressPolicy egress;
  private final BlockingPool resolver;
  private final WebhookPolicy policy;
  private final WebhookDispatcher dispatcher;

  WebhookService(EndpointStore endpoints, DeliveryStore deliveries, EventBodies bodies, EgressPolicy egress,
      BlockingPool resolver, WebhookPolicy policy, WebhookDispatcher dispatcher) {
    this.endpoints = endpoints;
    this.deliveries = deliveries;
    this.bodies = bodies;
    this.egress = egress;
    this.resolver = resolver;
    this.policy = policy;
    this.dispatcher = dispatcher;
  }

  /** A new endpoint and its secret (the one time it is shown). */
  public record Created(WebhookEndpoint endpoint, String secret) {}

  /** What an update changes; an empty field stays as it is. */
  public record Changes(Optional<String> url, Optional<List<EventType>> eventTypes, Optional<List<String>> userIds,
      Optional<Boolean> enabled) {}

  public Future<Created> create(Tenant tenant, String url, List<EventType> types, List<String> users, boolean enabled) {
    UUID id = UUID.randomUUID();
    String secret = WebhookSecret.generate();
    return checkUrl(tenant, "webhook_endpoint.url", url)
        .compose(checked -> tenant.cipher())
        .compose(cipher -> tenant.withDatabase(db -> endpoints.insert(db, id, url, types, users, enabled,
            cipher.encrypt(id, SecretField.WEBHOOK_SECRET, secret))))
        .map(endpoint -> {
          dispatcher.kick(tenant.id());
          return new Created(endpoint, secret);
        });
  }

  public Future<WebhookEndpoint> get(Tenant tenant, UUID id) {
    return tenant.withDatabase(db -> endpoints.get(db, id));
  }

  /** Up to {@code limit + 1} endpoints after {@code after} (the nil UUID: from the first), in id order. */
  public Future<List<WebhookEndpoint>> list(Tenant tenant, UUID after, int limit) {
    return tenant.withDatabase(db -> endpoints.list(db, after, limit));
  }

  public Future<WebhookEndpoint> update(Tenant tenant, UUID id, Changes changes) {
    Future<Void> checked = changes.url().isPresent()
        ? checkUrl(tenant, "webhook_endpoint.url", changes.url().get()) : Future.succeededFuture();
    return checked.compose(ok -> tenant.withTransaction(tx -> endpoints.get(tx, id).compose(current ->
            endpoints.update(tx, id, changes.url().orElse(current.url()),
                changes.eventTypes().orElse(current.eventTypes()), changes.userIds().orElse(current.userIds()),
                changes.enabled().orElse(current.enabled())))))
        .onSuccess(updated -> dispatcher.kick(tenant.id()));
  }

  public Future<Void> delete(Tenant tenant, UUID id) {
    return tenant.withDatabase(db -> endpoints.delete(db, id));
  }

  /** A new secret for the endpoint; the current one keeps signing for {@code grace} (empty: the default). */
  public Future<Created> rotate(Tenant tenant, UUID id, Optional<Duration> grace) {
    String secret = WebhookSecret.generate();
    return tenant.cipher()
        .compose(cipher -> tenant.withDatabase(db -> endpoints.rotate(db, id,
            cipher.encrypt(id, SecretField.WEBHOOK_SECRET, secret), grace.orElse(policy.defaultGracePeriod()))))
        .map(endpoint -> new Created(endpoint, secret));
  }

  /** Queues a test event for the endpoint and returns its id. */
  public Future<UUID> sendTest(Tenant tenant, UUID id) {
    UUID eventId = UUID.randomUUID();
    String body = bodies.test(eventId, Instant.now());
    return tenant.withTransaction(tx -> endpoints.get(tx, id).compose(endpoint -> deliveries.insert(tx, List.of(
            new DeliveryStore.Queued(id, eventId, WebhookDelivery.TEST_EVENT, DeliveryStore.NO_CONNECTION, body)))))
        .map(queued -> {
          dispatcher.kick(tenant.id());
          return eventId;
        });
  }

  /** Up to {@code limit + 1} deliveries of the endpoint with ids below {@code before}, newest first. */
  public Future<List<WebhookDelivery>> deliveries(Tenant tenant, UUID id, Optional<WebhookDelivery.Status> status,
      long before, int limit) {
    return tenant.withDatabase(db -> endpoints.get(db, id).compose(endpoint ->
        deliveries.list(db, id, status, before, limit)));
  }

  /** Queues again every event the endpoint wants after the position {@code cursor} holds. */
  public Future<Void> replay(Tenant tenant, UUID id, String cursor) {
    return tenant.cipher().compose(cipher -> tenant.withDatabase(db -> endpoints.get(db, id).compose(endpoint -> {
      var position = WebhookCursors.open(cipher, id, cursor).orElseThrow(() -> GatewayException.invalid(List.of(
          new FieldViolation("cursor", "is not a cursor a delivery to this endpoint carried"))));
      return endpoints.rewind(db, id, position);
    }))).onSuccess(rewound -> dispatcher.kick(tenant.id()));
  }

  /**
   * Refuses a URL the gateway would not post to: not https (http only where loopback is allowed, as
   * in dev mode), or with a host that has no address or one the tenant's egress policy refuses (one
   * answer for both, so that the check does not tell which internal names exist).
   */
  private Future<Void> checkUrl(Tenant tenant, String field, String url) {
    WebhookUrl.Result parsed = WebhookUrl.parse(url, egress.allowLoopback());
    if (parsed.url().isEmpty()) {
      return Future.failedFuture(GatewayException.invalid(List.of(new FieldViolation(field, parsed.refusal().get()))));
    }
    EgressGuard guard = egress.forTenant(tenant.config().egress());
    String host = parsed.url().get().host();
    return resolver.run(() -> {
      try {
        guard.resolve(host);
        return null;
      } catch (IOException refusedOrUnknown) {
        log.info("tenant={} webhook URL refused: {}", tenant.id(), refusedOrUnknown.getClass().getSimpleName());
        throw GatewayException.invalid(List.of(new FieldViolation(field, "must be on the public internet (or in a block"
            + " the tenant allows): this host has no address, or one that is loopback, link-local or private")));
      }
    });
  }
}
