package dev.mailgate.server.metrics;

import dev.mailgate.server.api.CallObserver;
import dev.mailgate.server.events.EventLog;
import dev.mailgate.server.events.EventType;
import dev.mailgate.server.events.NewEvent;
import dev.mailgate.server.mail.MailOperation;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.mail.MailProvider;
import dev.mailgate.server.mail.ObservedMailProvider;
import dev.mailgate.server.oauth.AccessTokens;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.tenant.DatabasePools;
import dev.mailgate.server.watch.MailboxWatcher;
import dev.mailgate.server.webhook.WebhookDispatcher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The gateway's meters, in one Prometheus registry with Vert.x's own (when the Vert.x came from
 * {@link MeteredVertx}) and the JVM's and process's, served on {@code /metrics} as its
 * {@link MetricsPolicy} says. The classes it measures only tell it what happened (listeners and
 * counts of their own); every meter name and label is made here.
 */
public final class GatewayMetrics {

  static final String DB_POOLS_OPEN = "mailgate.db.pools.open";
  static final String DB_CONNECTIONS_RESERVED = "mailgate.db.connections.reserved";
  static final String DB_CONNECTIONS_CAP = "mailgate.db.connections.cap";
  static final String DB_CONNECTIONS_IN_USE = "mailgate.db.connections.in.use";
  static final String DB_CALLS_WAITING = "mailgate.db.calls.waiting";
  static final String DB_POOLS_WAITING = "mailgate.db.pools.waiting";
  static final String DB_POOLS_OPENED = "mailgate.db.pools.opened";
  static final String DB_POOLS_CLOSED = "mailgate.db.pools.closed";
  static final String TOKEN_REFRESHES = "mailgate.token.refreshes";
  static final String WATCHED_CONNECTIONS = "mailgate.watch.connections";
  static final String EVENTS_WRITTEN = "mailgate.events.written";
  static final String EVENT_LAG = "mailgate.events.detection.lag";
  static final String WEBHOOK_ATTEMPTS = "mailgate.webhook.attempts";
  static final String WEBHOOK_IN_FLIGHT = "mailgate.webhook.attempts.in.flight";
  static final String WEBHOOK_LAG = "mailgate.webhook.delivery.lag";

  private final PrometheusMeterRegistry registry;
  private final MetricsPolicy policy;
  private final CallMeters calls;
  private final ProviderCallMeters providers;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  private GatewayMetrics(PrometheusMeterRegistry registry, MetricsPolicy policy) {
    this.registry = registry;
    this.policy = policy;
    this.calls = new CallMeters(registry, policy.tenantLabel());
    this.providers = new ProviderCallMeters(registry);
  }

  /**
   * The gateway's meters in {@code vertx}'s registry if it has one ({@link MeteredVertx}), else in
   * a registry of their own; the JVM and the process are measured too.
   */
  public static GatewayMetrics create(Vertx vertx, MetricsPolicy policy) {
    GatewayMetrics metrics = new GatewayMetrics(MeteredVertx.registryOf(vertx)
        .orElseGet(() -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)), policy);
    JvmGcMetrics gc = new JvmGcMetrics();
    metrics.closeables.add(gc);
    for (MeterBinder binder : List.<MeterBinder>of(new ClassLoaderMetrics(), new JvmMemoryMetrics(), gc, new JvmThreadMetrics(),
        new JvmInfoMetrics(), new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics())) {
      binder.bindTo(metrics.registry);
    }
    return metrics;
  }

  /** What records every API call (add it to the gateway's call observers). */
  public CallObserver calls() {
    return calls;
  }

  /** {@code operations} of {@code kind}, timed per call (the meters are found once, here). */
  public MailProvider provider(ProviderKind kind, MailProvider operations) {
    Map<MailOperation, ProviderCallMeters.Operation> meters = new EnumMap<>(MailOperation.class);
    for (MailOperation operation : MailOperation.values()) {
      meters.put(operation, providers.operation(kind, operation.label()));
    }
    return new ObservedMailProvider(operations, new ObservedMailProvider.Hook() {
      @Override
      public <T> Future<T> around(MailOperation operation, Supplier<Future<T>> call) {
        return meters.get(operation).time(call);
      }
    });
  }

  /** The database pools and the connection cap, read at each scrape. */
  public void databasePools(DatabasePools pools) {
    Gauge.builder(DB_POOLS_OPEN, pools, DatabasePools::openPools)
        .description("Tenant database pools open now").register(registry);
    Gauge.builder(DB_CONNECTIONS_RESERVED, pools, DatabasePools::reservedConnections)
        .description("PostgreSQL connections the open pools (and migrations) reserve of the cap").register(registry);
    Gauge.builder(DB_CONNECTIONS_CAP, pools, DatabasePools::connectionCap)
        .description("The most PostgreSQL connections all pools together may reserve (--db-max-connections)")
        .register(registry);
    Gauge.builder(DB_CONNECTIONS_IN_USE, pools, DatabasePools::callsUsingConnections)
        .description("Calls holding a database connection now").register(registry);
    Gauge.builder(DB_CALLS_WAITING, pools, DatabasePools::callsWaitingForConnections)
        .description("Calls waiting for a connection of their pool now").register(registry);
    Gauge.builder(DB_POOLS_WAITING, pools, DatabasePools::poolsWaitingForConnections)
        .description("Pools (or migrations) waiting for connections of the cap to be given back").register(registry);
    FunctionCounter.builder(DB_POOLS_OPENED, pools, DatabasePools::poolsOpened)
        .description("Tenant database pools opened").register(registry);
    FunctionCounter.builder(DB_POOLS_CLOSED, pools, DatabasePools::poolsClosed)
        .description("Tenant database pools closed (idle, or to make room under the cap)").register(registry);
  }

  /** Token refreshes at the providers' token endpoints, by provider and outcome. */
  public void tokenRefreshes(AccessTokens tokens) {
    tokens.onRefresh((provider, outcome) -> count(TOKEN_REFRESHES,
        "OAuth token refreshes by provider and outcome (ok, invalid_grant: needs re-authorization, failed)",
        "provider", provider.name().toLowerCase(Locale.ROOT), "outcome", outcome));
  }

  /** Connections this node watches, read at each scrape. */
  public void watcher(MailboxWatcher watcher) {
    Gauge.builder(WATCHED_CONNECTIONS, watcher, MailboxWatcher::watchedConnections)
        .description("Mailbox connections this gateway node watches for changes").register(registry);
  }

  /** Events appended to tenants' event logs, by type. */
  public void events(EventLog log) {
    Timer lag = Timer.builder(EVENT_LAG)
        .description("Time from a message's arrival, as its provider dates it, to its MESSAGE_ADDED event being written"
            + " (arrivals older than an hour, a backfill or a resync, are left out)")
        .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(5))
        .register(registry);
    log.onAppended(events -> {
      Instant now = Instant.now();
      for (NewEvent event : events) {
        count(EVENTS_WRITTEN, "Events appended to the tenants' event logs, by type", "type", event.type().name(), null, null);
        if (event.type() == EventType.MESSAGE_ADDED) {
          event.message().map(MessageSummary::receiveTime).map(arrived -> Duration.between(arrived, now))
              .filter(late -> !late.isNegative() && late.compareTo(Duration.ofHours(1)) <= 0)
              .ifPresent(lag::record);
        }
      }
    });
  }

  /**
   * Webhook delivery attempts by outcome, those in flight, and the event lag at the endpoints: how
   * long after its event was queued each delivery arrived (retries included).
   */
  public void webhooks(WebhookDispatcher dispatcher) {
    Timer lag = Timer.builder(WEBHOOK_LAG)
        .description("Time from an event's queueing for a webhook endpoint to its delivery (retries included)")
        .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(1))
        .register(registry);
    dispatcher.onAttempt((outcome, sinceQueued) -> {
      count(WEBHOOK_ATTEMPTS, "Webhook delivery attempts by outcome (delivered, retried, dead_lettered, gone: endpoint "
          + "disabled)", "outcome", outcome, null, null);
      if (outcome.equals("delivered")) {
        lag.record(sinceQueued.isNegative() ? Duration.ZERO : sinceQueued);
      }
    });
    Gauge.builder(WEBHOOK_IN_FLIGHT, dispatcher, WebhookDispatcher::attemptsInFlight)
        .description("Webhook delivery attempts in flight on this node").register(registry);
  }

  /** Mounts {@code GET /metrics} if the policy serves it (see {@link MetricsRoute}). */
  public void mount(Vertx vertx, Router router) {
    policy.token().ifPresent(token -> router.get(MetricsRoute.PATH).handler(new MetricsRoute(vertx, registry, token)));
  }

  /** The Prometheus text of every meter now. */
  public String scrape() {
    return registry.scrape();
  }

  /** Stops the JVM listeners this registered. */
  public void close() {
    for (AutoCloseable closeable : closeables) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // nothing to do: the gateway is closing
      }
    }
  }

  /** A counter of a few fixed label values, made once per set of values (the sets are small and bounded). */
  private void count(String name, String description, String key1, String value1, String key2, String value2) {
    String id = key2 == null ? name + "|" + value1 : name + "|" + value1 + "|" + value2;
    Counter counter = counters.get(id);
    if (counter == null) {
      counter = counters.computeIfAbsent(id, k -> {
        Counter.Builder builder = Counter.builder(name).description(description).tag(key1, value1);
        if (key2 != null) {
          builder.tag(key2, value2);
        }
        return builder.register(registry);
      });
    }
    counter.increment();
  }
}
