package dev.mailgate.server.webhook;

import dev.mailgate.server.crypto.SecretField;
import dev.mailgate.server.crypto.TokenCipher;
import dev.mailgate.server.events.EventWakeups;
import dev.mailgate.server.tenant.Tenant;
import dev.mailgate.server.tenant.TenantRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs webhook delivery on this node, one loop per tenant: queue the events the tenant's endpoints
 * want ({@link EventQueueing}), claim the deliveries that are due and first in line for their
 * endpoint and connection ({@code FOR UPDATE SKIP LOCKED}, so any number of nodes share the work
 * through the tenant's database alone), post them ({@link WebhookSender}) and record each answer.
 * A tenant with endpoints runs again after the poll interval, at once when this node appends events
 * or an answer frees a connection's next delivery; a tenant without is checked at the idle interval
 * or when a call on this node changes its endpoints. At most {@code maxInFlight} attempts run at a
 * time over all tenants, and at most {@code maxInFlightPerEndpoint} of them to one endpoint (the claim
 * leaves an endpoint's deliveries beyond that in the database), so an endpoint that answers slowly
 * holds only its own share of the slots while the others keep being served; nothing here blocks an
 * event loop.
 */
public final class WebhookDispatcher {

  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
  /** How often (in cycles of one tenant) finished deliveries past their retention are removed. */
  private static final int SWEEP_EVERY = 600;

  private final Vertx vertx;
  private final TenantRegistry tenants;
  private final EventWakeups wakeups;
  private final EndpointStore endpoints;
  private final DeliveryStore deliveries;
  private final EventQueueing queueing;
  private final WebhookSender sender;
  private final WebhookPolicy policy;
  private final AtomicInteger inFlight = new AtomicInteger();
  /** This node's attempts in flight per endpoint; an endpoint leaves the map when its last one ends. */
  private final Map<UUID, Integer> inFlightByEndpoint = new ConcurrentHashMap<>();
  private final Map<String, TenantLoop> loops = new ConcurrentHashMap<>();
  private volatile boolean stopped;
  /** Hears each attempt's outcome (delivered, retried, dead_lettered or gone) and its event's time since queued (metrics). */
  private volatile java.util.function.BiConsumer<String, Duration> attempts = (outcome, sinceQueued) -> { };

  WebhookDispatcher(Vertx vertx, TenantRegistry tenants, EventWakeups wakeups, EndpointStore endpoints,
      DeliveryStore deliveries, EventQueueing queueing, WebhookSender sender, WebhookPolicy policy) {
    this.vertx = vertx;
    this.tenants = tenants;
    this.wakeups = wakeups;
    this.endpoints = endpoints;
    this.deliveries = deliveries;
    this.queueing = queueing;
    this.sender = sender;
    this.policy = policy;
  }

  /**
   * Tells {@code listener} the outcome of every delivery attempt (delivered, retried, dead_lettered
   * or gone) and how long ago its event was queued for the endpoint.
   */
  public void onAttempt(java.util.function.BiConsumer<String, Duration> listener) {
    this.attempts = listener;
  }

  /** Delivery attempts in flight on this node. */
  public int attemptsInFlight() {
    return inFlight.get();
  }

  /**
   * Starts every tenant's loop (unless the policy waits for a webhook call to touch a tenant), spread
   * over the first moments so that they do not all query at once.
   */
  public void start() {
    if (!policy.scanAllTenants()) {
      return;
    }
    long spread = Math.max(1, Math.min(policy.idleInterval().toMillis(), 2_000));
    for (String id : tenants.ids()) {
      TenantLoop loop = loops.computeIfAbsent(id, TenantLoop::new);
      vertx.setTimer(1 + ThreadLocalRandom.current().nextLong(spread), t -> loop.run());
    }
  }

  /** Something changed for the tenant's webhooks on this node (an endpoint, a test event, a replay): run now. */
  public void kick(String tenantId) {
    if (stopped || tenants.find(tenantId).isEmpty()) {
      return;
    }
    boolean[] created = {false};
    TenantLoop loop = loops.computeIfAbsent(tenantId, id -> {
      created[0] = true;
      return new TenantLoop(id);
    });
    if (created[0]) {
      vertx.runOnContext(v -> loop.run());
    } else {
      loop.wake();
    }
  }

  /** Stops starting work; attempts in flight end on their own (an unrecorded one is retried after its lease). */
  public Future<Void> stop() {
    stopped = true;
    loops.values().forEach(TenantLoop::wake);
    return sender.close();
  }

  /** One tenant's loop: at most one cycle at a time; a wake during a cycle runs another right after. */
  private final class TenantLoop {
    private final String tenantId;
    private boolean running;
    private boolean wokenWhileRunning;
    private Promise<Void> waiting;
    private long timer = -1;
    private int cycles;

    TenantLoop(String tenantId) {
      this.tenantId = tenantId;
    }

    synchronized void wake() {
      if (running) {
        wokenWhileRunning = true;
      } else if (waiting != null) {
        waiting.tryComplete();
      }
    }

    void run() {
      synchronized (this) {
        if (stopped || running) {
          return;
        }
        running = true;
        wokenWhileRunning = false;
        waiting = null;
      }
      Tenant tenant = tenants.find(tenantId).orElseThrow();
      cycle(tenant).onComplete(done -> {
        boolean busy = done.succeeded() && done.result() == Cycle.BUSY;
        if (done.failed()) {
          log.warn("tenant={} webhook delivery cycle failed: {}", tenantId, done.cause().toString());
        }
        Duration wait = busy ? Duration.ZERO
            : done.failed() || done.result() == Cycle.IDLE ? policy.idleInterval() : policy.pollInterval();
        Promise<Void> next = Promise.promise();
        synchronized (this) {
          running = false;
          if (wokenWhileRunning) {
            wait = Duration.ZERO;
          }
          waiting = next;
        }
        if (stopped) {
          return;
        }
        if (wait.isZero()) {
          next.tryComplete();
        } else {
          timer = vertx.setTimer(wait.toMillis(), t -> next.tryComplete());
          if (done.succeeded() && done.result() != Cycle.IDLE) {
            wakeups.next(tenantId, wait).onSuccess(woken -> next.tryComplete());
          }
        }
        next.future().onComplete(go -> {
          vertx.cancelTimer(timer);
          run();
        });
      });
    }

    private Future<Cycle> cycle(Tenant tenant) {
      boolean sweep = ++cycles % SWEEP_EVERY == 0;
      return tenant.withDatabase(endpoints::anyEnabled).compose(any -> {
        if (!any) {
          return Future.succeededFuture(Cycle.IDLE);
        }
        Future<Integer> swept = sweep ? tenant.withDatabase(db -> deliveries.sweep(db, policy.retention(), 1000))
            : Future.succeededFuture(0);
        return swept.compose(s -> queueing.queue(tenant))
            .compose(moreToQueue -> deliverDue(tenant).map(moreDue -> moreToQueue || moreDue ? Cycle.BUSY : Cycle.ACTIVE));
      });
    }
  }

  private enum Cycle { IDLE, ACTIVE, BUSY }

  /** Claims and starts up to a batch of due deliveries (as many as the in-flight limits allow); true if it was full. */
  private Future<Boolean> deliverDue(Tenant tenant) {
    int free = reserve(policy.batchSize());
    if (free <= 0) {
      return Future.succeededFuture(false);
    }
    Duration lease = policy.attemptTimeout().plusSeconds(30);
    Map<UUID, Integer> busy = Map.copyOf(inFlightByEndpoint);
    boolean[] reserved = {true};
    return tenant.cipher().compose(cipher -> tenant.withDatabase(db -> deliveries.claim(db, free, lease,
            policy.maxInFlightPerEndpoint(), busy))
        .map(claimed -> {
          reserved[0] = false;
          inFlight.addAndGet(claimed.size() - free);
          for (ClaimedDelivery delivery : claimed) {
            inFlightByEndpoint.merge(delivery.endpointId(), 1, Integer::sum);
            attempt(tenant, cipher, delivery).onComplete(done -> {
              inFlightByEndpoint.computeIfPresent(delivery.endpointId(), (id, n) -> n == 1 ? null : n - 1);
              inFlight.decrementAndGet();
              if (done.failed()) {
                log.warn("tenant={} webhook_endpoint={} delivery={} answer not recorded (retried after its lease): {}",
                    tenant.id(), delivery.endpointId(), delivery.id(), done.cause().toString());
              }
              kick(tenant.id());
            });
          }
          return claimed.size() == free && free == policy.batchSize();
        }))
        .onFailure(failed -> {
          if (reserved[0]) {
            inFlight.addAndGet(-free);
          }
        });
  }

  /** Takes up to {@code wanted} of the node's free attempt slots (the claim gives back those it did not fill). */
  private int reserve(int wanted) {
    while (true) {
      int now = inFlight.get();
      int free = Math.min(wanted, policy.maxInFlight() - now);
      if (free <= 0) {
        return 0;
      }
      if (inFlight.compareAndSet(now, now + free)) {
        return free;
      }
    }
  }

  private Future<Void> attempt(Tenant tenant, TokenCipher cipher, ClaimedDelivery delivery) {
    List<String> secrets = new ArrayList<>();
    try {
      secrets.add(cipher.decrypt(delivery.endpointId(), SecretField.WEBHOOK_SECRET, delivery.secret()));
      delivery.previousSecret().ifPresent(previous ->
          secrets.add(cipher.decrypt(delivery.endpointId(), SecretField.WEBHOOK_SECRET, previous)));
    } catch (RuntimeException unreadable) {
      return record(tenant, delivery, AttemptResult.failed("the endpoint's secret can no longer be decrypted"));
    }
    long timestamp = Instant.now().getEpochSecond();
    String id = delivery.eventId().toString();
    String signature = WebhookSignature.header(secrets, id, timestamp, delivery.body());
    return sender.send(tenant.config().egress(), delivery.url(), id, timestamp, signature, delivery.body())
        .compose(result -> record(tenant, delivery, result));
  }

  private Future<Void> record(Tenant tenant, ClaimedDelivery delivery, AttemptResult result) {
    if (result.succeeded()) {
      attempts.accept("delivered", Duration.between(delivery.queued(), Instant.now()));
      return tenant.withDatabase(db -> deliveries.succeeded(db, delivery, result.statusCode()));
    }
    String error = result.error().orElseThrow();
    if (result.gone()) {
      attempts.accept("gone", Duration.between(delivery.queued(), Instant.now()));
      // Kept pending: it goes out again if the endpoint is enabled again.
      log.info("tenant={} webhook_endpoint={} answered 410 Gone: endpoint disabled", tenant.id(), delivery.endpointId());
      return tenant.withTransaction(tx -> deliveries.failed(tx, delivery, 410, error, false, Duration.ZERO)
          .compose(v -> endpoints.disable(tx, delivery.endpointId(), "the endpoint answered 410 Gone")).mapEmpty());
    }
    boolean dead = delivery.attempt() >= policy.maxAttempts();
    Duration retry = dead ? Duration.ZERO : policy.retryDelay(delivery.attempt(), ThreadLocalRandom.current().nextDouble());
    attempts.accept(dead ? "dead_lettered" : "retried", Duration.between(delivery.queued(), Instant.now()));
    if (dead) {
      log.info("tenant={} webhook_endpoint={} delivery={} dead-lettered after {} attempts: {}", tenant.id(),
          delivery.endpointId(), delivery.id(), delivery.attempt(), error);
    } else {
      log.debug("tenant={} webhook_endpoint={} delivery={} attempt {} failed, retry in {} ms: {}", tenant.id(),
          delivery.endpointId(), delivery.id(), delivery.attempt(), retry.toMillis(), error);
    }
    return tenant.withDatabase(db -> deliveries.failed(db, delivery, result.statusCode(), error, dead, retry));
  }
}
