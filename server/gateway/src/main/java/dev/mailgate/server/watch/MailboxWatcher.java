package dev.mailgate.server.watch;

import dev.mailgate.server.cluster.WatchLeases;
import dev.mailgate.server.crypto.TokenCipher;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.events.EventLog;
import dev.mailgate.server.events.EventOrderConflict;
import dev.mailgate.server.events.EventWakeups;
import dev.mailgate.server.events.NewEvent;
import dev.mailgate.server.mail.MailboxAccess;
import dev.mailgate.server.provider.ProviderModule;
import dev.mailgate.server.provider.ProviderRegistry;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ConnectionStore;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.tenant.Tenant;
import dev.mailgate.server.tenant.TenantRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every ACTIVE connection whose provider has a {@link ChangeFeed}: reads each feed when
 * its provider pushes, when its mailbox's IDLE reports something, and at the polling interval in
 * any case; appends what the feed found to the tenant's event log in the same transaction as the
 * feed's new cursor; keeps each connection's push subscription alive.
 *
 * <p>Which connections: every tenant's list is read again each {@code refreshInterval}; a
 * connection deleted or no longer ACTIVE stops being watched there (its NEEDS_REAUTH is itself an
 * event, written where the status changes). A feed read that finds the credential refused goes
 * through {@link MailboxAccess}, so it renews it or marks the connection NEEDS_REAUTH like any call.
 *
 * <p>State lives on one Vert.x context (the watcher's own event loop); push routes on other
 * threads reach it through {@link PushInbox}, whose lookups read concurrent indexes. At most
 * {@code concurrency} feed reads run at once; at most one per connection (a change noticed during
 * a read schedules one more read after it).
 *
 * <p>Polling: a connection whose push subscription is healthy, or whose IMAP IDLE runs, is polled
 * every {@code pushPollInterval} (pushes get lost, so it is still polled, rarely); any other, or one
 * whose subscription failed, whose provider reported missed notifications, or whose IDLE stopped,
 * every {@code pollInterval}, as is one whose last read failed. A provider that drops the pushes
 * that follow a push within its rate window (Gmail: one a second) gets one more read after that
 * window when the read it pushed started inside it. Each connection's last committed cursor and push subscription are
 * kept here after they were read once, so a routine read with nothing new is one provider call and
 * no database round trip (the commit's compare-and-set on the cursor still guards it). At startup
 * and each refresh, the new connections' stored watches are read in one query per tenant: those
 * with a cursor are polled first at a random point of their interval, those without (never read:
 * their feed must be anchored) are read at once, ahead of routine polls.
 */
public final class MailboxWatcher implements PushInbox {

  private static final Logger log = LoggerFactory.getLogger(MailboxWatcher.class);
  /** The most connections one tenant has watched on one gateway. */
  static final int MAX_PER_TENANT = 100_000;
  /** How many tenants' connection lists are read at once. */
  private static final int REFRESH_CONCURRENCY = 4;
  /** How often a transaction that lost the connection's append order is tried again. */
  private static final int ORDER_RETRIES = 3;

  private final Vertx vertx;
  private final TenantRegistry tenants;
  private final ProviderRegistry providers;
  private final MailboxAccess access;
  private final ConnectionStore connections;
  private final EventLog events;
  private final EventWakeups wakeups;
  private final WatchPolicy policy;
  private volatile WatchLeases leases = WatchLeases.solo();
  private final WatchStore store = new WatchStore();
  /** Each tenant's watchable connections as its last refresh listed them (those held or not). */
  private final Map<String, Map<UUID, ConnectionRecord>> candidates = new HashMap<>();
  /**
   * The tenants whose list is being read, each with whether another read was asked for meanwhile:
   * asks that come while one runs become one more read after it, so a burst of connects reads the
   * list a few times instead of once per connect (each read holds the whole list in memory).
   */
  private final Map<String, Boolean> refreshing = new HashMap<>();
  /** Each tenant's list reads in progress, and the most one tenant has had at once (for tests). */
  private final Map<String, Integer> listReads = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger mostListReads = new java.util.concurrent.atomic.AtomicInteger();
  /** Connections gained from a node whose lease expired: read at once (pushes meant for it were lost). */
  private final Set<WatchKey> takenOver = new HashSet<>();
  private final Map<WatchKey, Watched> watched = new HashMap<>();
  /** {@code watched.size()}, readable from any thread (metrics). */
  private volatile int watchedCount;
  private final Map<String, Set<WatchKey>> byAddress = new ConcurrentHashMap<>();
  private final Map<String, Subscribed> bySubscription = new ConcurrentHashMap<>();
  /** Routine reads (polls, more to read), oldest first; at most one entry per watched connection. */
  private final ArrayDeque<Watched> due = new ArrayDeque<>();
  /**
   * Reads a provider asked for, oldest first, all before any routine read: first in, first out, so
   * that under a backlog no wake-up waits behind newer ones. At most one entry per watched connection.
   */
  private final ArrayDeque<Watched> woken = new ArrayDeque<>();
  private Context context;
  private int reading;
  private long refreshTimer = -1;
  private boolean stopped;

  public MailboxWatcher(Vertx vertx, TenantRegistry tenants, ProviderRegistry providers, MailboxAccess access,
      ConnectionStore connections, EventLog events, EventWakeups wakeups, WatchPolicy policy) {
    this.vertx = vertx;
    this.tenants = tenants;
    this.providers = providers;
    this.access = access;
    this.connections = connections;
    this.events = events;
    this.wakeups = wakeups;
    this.policy = policy;
  }

  /** One watched connection; touched only on the watcher's context. */
  private static final class Watched {
    final WatchKey key;
    ConnectionRecord connection;
    final ChangeFeed feed;
    final Optional<PushChannel> push;
    final Optional<MailboxIdle> idler;
    Optional<PushSubscription> subscription = Optional.empty();
    /** The cursor last committed as this gateway knows it; null: read it from the store. */
    String cursor;
    boolean queued;
    /** Queued in {@code woken} (else in {@code due}). */
    boolean queuedWoken;
    boolean reading;
    boolean again;
    /** The read asked for during a read was a wake-up (it goes ahead of routine polls). */
    boolean againWoken;
    /** Pushes were reported lost: the next poll comes at the short interval. */
    boolean doubt;
    /** The last subscribe failed: polled at the short interval until one succeeds. */
    boolean pushFailed;
    /** Whether the armed poll timer used the push poll interval. */
    boolean longTimer;
    boolean missed;
    boolean subscribing;
    boolean resubscribe;
    boolean anchored;
    long timer = -1;
    /** The epoch of this node's lease on the connection, which fences its writes. */
    long epoch = WatchLeases.UNFENCED;
    /** When the last push arrived (System.nanoTime), and when the last read started. */
    long pushedAt;
    long readStartedAt;
    /** The read after a push's rate window (see {@link PushChannel#rateWindow}). */
    long trailTimer = -1;
    boolean idleStarting;
    MailboxIdle.Handle idle;

    Watched(WatchKey key, ConnectionRecord connection, ChangeFeed feed, Optional<PushChannel> push,
        Optional<MailboxIdle> idler) {
      this.key = key;
      this.connection = connection;
      this.feed = feed;
      this.push = push;
      this.idler = idler;
    }
  }

  /**
   * Starts watching the connections this node holds {@code leases} on (reads every tenant's
   * connections now, then each refresh interval).
   */
  public void start(WatchLeases leases) {
    if (!policy.enabled() || kinds().isEmpty()) {
      return;
    }
    this.leases = leases;
    context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      leases.start(new WatchLeases.Listener() {
        @Override
        public void gained(String tenantId, Map<UUID, Long> epochs, Set<UUID> expired) {
          MailboxWatcher.this.gained(tenantId, epochs, expired);
        }

        @Override
        public void lost(WatchKey key) {
          takenOver.remove(key);
          Watched w = watched.get(key);
          if (w != null) {
            forget(w);
          }
        }

        @Override
        public void relayed(String kind, String payload) {
          providers.modules().stream().filter(module -> module.kind().name().equals(kind)).findFirst()
              .flatMap(module -> module.capability(PushChannel.class))
              .ifPresent(channel -> channel.relayed(payload));
        }
      });
      refreshAll();
    });
  }

  /** Connections this node watches right now. */
  public int watchedConnections() {
    return watchedCount;
  }

  /** Stops reading, polling and idling; subscriptions stay with the providers until they expire. */
  public Future<Void> stop() {
    if (context == null) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      stopped = true;
      vertx.cancelTimer(refreshTimer);
      for (Watched w : List.copyOf(watched.values())) {
        forget(w);
      }
      done.complete();
    });
    return done.future();
  }

  /** Closes what the providers run for watching (push verification, IDLE); after {@link #stop}. */
  public Future<Void> closeProviders() {
    List<Future<Void>> closed = new ArrayList<>();
    for (ProviderModule module : providers.modules()) {
      module.capability(PushChannel.class).ifPresent(channel -> closed.add(channel.close()));
      module.capability(MailboxIdle.class).ifPresent(idle -> closed.add(idle.close()));
    }
    return Future.join(closed).mapEmpty();
  }

  /** The tenant's connections changed (one was authorized, or changed status): read its list again now. */
  public void connectionsChanged(String tenantId) {
    if (context != null) {
      context.runOnContext(v -> refresh(tenantId));
    }
  }

  /**
   * Whether the connection is watched here and its feed has been read at least once (so changes
   * from now on are reported): what a caller that just connected a mailbox may wait for.
   */
  public Future<Boolean> watching(WatchKey key) {
    if (context == null) {
      return Future.succeededFuture(false);
    }
    Promise<Boolean> answer = Promise.promise();
    context.runOnContext(v -> {
      Watched w = watched.get(key);
      answer.complete(w != null && w.anchored);
    });
    return answer.future();
  }

  // --- PushInbox: called from any thread ---

  @Override
  public List<WatchKey> byAddress(ProviderKind kind, String emailAddress) {
    return List.copyOf(byAddress.getOrDefault(addressKey(kind, emailAddress), Set.of()));
  }

  @Override
  public Optional<Subscribed> bySubscription(ProviderKind kind, String subscriptionId) {
    return Optional.ofNullable(bySubscription.get(kind.name() + "/" + subscriptionId));
  }

  @Override
  public void relay(ProviderKind kind, String payload) {
    leases.relay(kind.name(), payload);
  }

  @Override
  public void changed(WatchKey key) {
    onContext(key, w -> {
      w.pushedAt = System.nanoTime();
      wake(w);
    });
  }

  @Override
  public void missed(WatchKey key) {
    onContext(key, w -> {
      w.missed = true;
      w.doubt = true;
      wake(w);
    });
  }

  @Override
  public void resubscribe(WatchKey key) {
    onContext(key, w -> {
      w.resubscribe = true;
      subscribe(w);
    });
  }

  private void onContext(WatchKey key, java.util.function.Consumer<Watched> action) {
    if (context == null) {
      return;
    }
    context.runOnContext(v -> {
      Watched w = watched.get(key);
      if (w != null && !stopped) {
        action.accept(w);
      }
    });
  }

  // --- which connections ---

  private Set<ProviderKind> kinds() {
    Set<ProviderKind> kinds = new HashSet<>();
    for (ProviderModule module : providers.modules()) {
      if (module.capability(ChangeFeed.class).isPresent()) {
        kinds.add(module.kind());
      }
    }
    return kinds;
  }

  private void refreshAll() {
    if (stopped) {
      return;
    }
    ArrayDeque<String> pending = new ArrayDeque<>(tenants.ids());
    int[] running = {0};
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      while (running[0] < REFRESH_CONCURRENCY && !pending.isEmpty()) {
        String tenantId = pending.poll();
        running[0]++;
        refresh(tenantId).onComplete(done -> {
          running[0]--;
          if (pending.isEmpty() && running[0] == 0) {
            if (!stopped) {
              refreshTimer = vertx.setTimer(policy.refreshInterval().toMillis(), t -> refreshAll());
            }
          } else {
            next[0].run();
          }
        });
      }
    };
    if (pending.isEmpty()) {
      refreshTimer = vertx.setTimer(policy.refreshInterval().toMillis(), t -> refreshAll());
    } else {
      next[0].run();
    }
  }

  /**
   * Reads the tenant's watchable connections and starts or stops watching to match; never fails.
   * While a read of the tenant runs, a new ask only makes sure one more read follows it.
   */
  private Future<Void> refresh(String tenantId) {
    if (stopped) {
      return Future.succeededFuture();
    }
    synchronized (refreshing) {
      if (refreshing.putIfAbsent(tenantId, Boolean.FALSE) != null) {
        refreshing.put(tenantId, Boolean.TRUE);
        return Future.succeededFuture();
      }
    }
    mostListReads.accumulateAndGet(listReads.merge(tenantId, 1, Integer::sum), Math::max);
    return readList(tenantId).onComplete(done -> {
      listReads.merge(tenantId, -1, Integer::sum);
      boolean again;
      synchronized (refreshing) {
        again = refreshing.remove(tenantId);
      }
      if (again) {
        refresh(tenantId);
      }
    });
  }

  /** The most reads of one tenant's list that have run at once. */
  int mostListReadsAtOnce() {
    return mostListReads.get();
  }

  private Future<Void> readList(String tenantId) {
    Tenant tenant = tenants.find(tenantId).orElse(null);
    if (tenant == null) {
      return Future.succeededFuture();
    }
    return tenant.cipher().compose(cipher -> tenant.withDatabase(db -> connections.activeOfKinds(db, kinds(),
        MAX_PER_TENANT).compose(list -> leases.offer(tenantId, list.stream().map(ConnectionRecord::id).toList())
            .otherwise(failure -> {
              log.warn("tenant={} watch leases not offered: {}", tenantId, failure.getClass().getSimpleName());
              return null;
            })
            .compose(offered -> {
              Map<UUID, Long> fresh = new HashMap<>();
              for (ConnectionRecord connection : list) {
                WatchKey key = new WatchKey(tenantId, connection.id());
                if (!watched.containsKey(key)) {
                  leases.epoch(key).ifPresent(epoch -> fresh.put(connection.id(), epoch));
                }
              }
              return stored(db, cipher, fresh).map(stored -> {
                apply(tenantId, list, stored);
                return (Void) null;
              });
            }))))
        .otherwise(failure -> {
          log.warn("tenant={} watch refresh failed: {}", tenantId, failure.getClass().getSimpleName());
          return null;
        });
  }

  private void apply(String tenantId, List<ConnectionRecord> active, Map<UUID, WatchStore.Stored> stored) {
    if (stopped) {
      return;
    }
    Set<WatchKey> seen = new HashSet<>();
    Map<UUID, ConnectionRecord> listed = new HashMap<>();
    for (ConnectionRecord connection : active) {
      WatchKey key = new WatchKey(tenantId, connection.id());
      seen.add(key);
      listed.put(connection.id(), connection);
      Watched w = watched.get(key);
      if (w != null) {
        w.connection = connection;
        continue;
      }
      watch(key, connection, stored.get(connection.id()));
    }
    candidates.put(tenantId, listed);
    for (Watched w : List.copyOf(watched.values())) {
      if (w.key.tenantId().equals(tenantId) && !seen.contains(w.key)) {
        forget(w);
      }
    }
  }

  /**
   * The node gained these leases: those whose connections the last refresh listed are watched now,
   * with their stored watches claimed for the new epochs; any other means the list is stale.
   */
  private void gained(String tenantId, Map<UUID, Long> epochs, Set<UUID> expired) {
    expired.forEach(id -> takenOver.add(new WatchKey(tenantId, id)));
    Map<UUID, ConnectionRecord> listed = candidates.get(tenantId);
    Tenant tenant = tenants.find(tenantId).orElse(null);
    if (tenant == null || stopped) {
      return;
    }
    if (listed == null) {
      return; // not listed yet: its first refresh watches what this node holds by then
    }
    if (!listed.keySet().containsAll(epochs.keySet())) {
      refresh(tenantId); // connected elsewhere since this node's last refresh
      return;
    }
    tenant.cipher().compose(cipher -> tenant.withDatabase(db -> stored(db, cipher, epochs)))
        .onSuccess(stored -> epochs.forEach((id, epoch) -> {
          WatchKey key = new WatchKey(tenantId, id);
          ConnectionRecord connection = candidates.getOrDefault(tenantId, Map.of()).get(id);
          if (connection != null && !watched.containsKey(key) && leases.epoch(key).isPresent() && !stopped) {
            watch(key, connection, stored.get(id));
          }
        }))
        .onFailure(failure -> {
          log.warn("tenant={} gained watches not read: {}", tenantId, failure.getClass().getSimpleName());
          refresh(tenantId);
        });
  }

  /** The stored watches of these connections; for a node with leases, raised to their epochs first. */
  private Future<Map<UUID, WatchStore.Stored>> stored(io.vertx.sqlclient.SqlClient db, TokenCipher cipher,
      Map<UUID, Long> epochs) {
    boolean fenced = epochs.values().stream().anyMatch(epoch -> epoch != WatchLeases.UNFENCED);
    return fenced ? store.claim(db, cipher, epochs) : store.getAll(db, cipher, epochs.keySet());
  }

  /** Starts watching a connection this node holds: polled at a random point of its interval, or read now. */
  private void watch(WatchKey key, ConnectionRecord connection, WatchStore.Stored known) {
    OptionalLong epoch = leases.epoch(key);
    if (epoch.isEmpty()) {
      return;
    }
    ProviderModule module = providers.module(connection.provider()).orElse(null);
    ChangeFeed feed = module == null ? null : module.capability(ChangeFeed.class).orElse(null);
    if (feed == null) {
      return;
    }
    Watched w = new Watched(key, connection, feed, module.capability(PushChannel.class).filter(PushChannel::available),
        module.capability(MailboxIdle.class));
    w.epoch = epoch.getAsLong();
    watched.put(key, w);
    watchedCount = watched.size();
    byAddress.computeIfAbsent(addressKey(connection.provider(), connection.emailAddress()),
        a -> ConcurrentHashMap.newKeySet()).add(key);
    boolean urgent = takenOver.remove(key);
    if (known == null) {
      wake(w); // never read: its feed's start anchors it, ahead of routine polls
      return;
    }
    w.cursor = known.cursor();
    w.subscription = known.subscription();
    index(w);
    w.anchored = true;
    if (urgent) {
      wake(w); // its last owner died: what it was pushed is read now
    } else {
      armPoll(w, true);
      startIdle(w);
    }
  }

  private void forget(Watched w) {
    watched.remove(w.key);
    watchedCount = watched.size();
    vertx.cancelTimer(w.timer);
    vertx.cancelTimer(w.trailTimer);
    Set<WatchKey> same = byAddress.get(addressKey(w.connection.provider(), w.connection.emailAddress()));
    if (same != null) {
      same.remove(w.key);
    }
    w.subscription.flatMap(PushSubscription::id)
        .ifPresent(id -> bySubscription.remove(w.connection.provider().name() + "/" + id));
    closeIdle(w);
  }

  private static void closeIdle(Watched w) {
    if (w.idle != null) {
      w.idle.close();
      w.idle = null;
    }
  }

  private static String addressKey(ProviderKind kind, String emailAddress) {
    return kind.name() + "/" + emailAddress.toLowerCase(Locale.ROOT);
  }

  // --- reading feeds ---

  /** A routine read (a poll, more to read): after the reads already due. */
  private void schedule(Watched w) {
    enqueue(w, false);
  }

  /**
   * A read the provider asked for (a push, an IDLE wake-up): ahead of routine polls, so that a
   * wave of polls does not delay what is known to have changed; after the wake-ups already waiting.
   */
  private void wake(Watched w) {
    enqueue(w, true);
  }

  private void enqueue(Watched w, boolean first) {
    if (w.reading) {
      w.again = true;
      w.againWoken |= first;
      return;
    }
    if (w.queued && (w.queuedWoken || !first)) {
      return;
    }
    if (w.queued) {
      due.remove(w); // a routine read becomes a woken one
    }
    w.queued = true;
    w.queuedWoken = first;
    (first ? woken : due).add(w);
    pump();
  }

  private void pump() {
    while (reading < policy.concurrency() && !(woken.isEmpty() && due.isEmpty())) {
      Watched w = woken.isEmpty() ? due.poll() : woken.poll();
      w.queued = false;
      if (watched.get(w.key) != w) {
        continue;
      }
      vertx.cancelTimer(w.timer);
      w.longTimer = false;
      w.reading = true;
      w.readStartedAt = System.nanoTime();
      reading++;
      read(w).onComplete(result -> {
        reading--;
        w.reading = false;
        boolean more = result.succeeded() && result.result();
        w.anchored |= result.succeeded();
        if (result.failed()) {
          failed(w, result.cause());
        }
        if (watched.get(w.key) == w && !stopped) {
          if (more || w.again) {
            boolean woken = w.againWoken;
            w.again = false;
            w.againWoken = false;
            enqueue(w, woken);
          } else {
            // A read that failed is tried again at the polling interval even under push: the change
            // a push announced must not wait for the push poll interval.
            w.doubt |= result.failed();
            armPoll(w, false);
            w.doubt &= result.failed();
            trailPush(w);
          }
          if (result.succeeded()) {
            maintainPush(w);
            startIdle(w);
          }
        }
        pump();
      });
    }
  }

  /**
   * Reads once more after the rate window of the last push when this read started inside it: the
   * provider dropped whatever notification a change in that window would have sent.
   */
  private void trailPush(Watched w) {
    long window = w.push.map(p -> p.rateWindow().toNanos()).orElse(0L);
    if (window == 0 || w.pushedAt == 0 || w.readStartedAt - w.pushedAt >= window) {
      return;
    }
    vertx.cancelTimer(w.trailTimer);
    long delayMs = Math.max(1, (w.pushedAt + window - System.nanoTime()) / 1_000_000 + 1);
    w.trailTimer = vertx.setTimer(delayMs, t -> wake(w));
  }

  /**
   * Arms the connection's next poll: after the push poll interval while push or IDLE covers it, else
   * after the polling interval; {@code spread}: at a random point of it (a first poll at startup),
   * else after all of it plus up to a tenth. A poll never waits past a subscription's renewal.
   */
  private void armPoll(Watched w, boolean spread) {
    vertx.cancelTimer(w.timer);
    boolean covered = covered(w);
    long interval = (covered ? policy.pushPollInterval() : policy.pollInterval()).toMillis();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long delay = spread ? random.nextLong(Math.max(1, interval))
        : interval + random.nextLong(Math.max(1, interval / 10));
    if (covered && w.idle == null && w.subscription.isPresent()) {
      delay = Math.min(delay, Math.max(0, w.subscription.get().renewAt().toEpochMilli() - System.currentTimeMillis()));
    }
    w.longTimer = covered;
    w.timer = vertx.setTimer(Math.max(1, delay), t -> schedule(w));
  }

  /**
   * Whether a push or IDLE covers the connection now: its IDLE runs, or its push subscription is
   * there, not failed, not to be made again and not due for renewal, and no pushes were reported lost.
   */
  private static boolean covered(Watched w) {
    if (w.doubt) {
      return false;
    }
    if (w.idle != null && w.idle.running()) {
      return true;
    }
    return w.push.isPresent() && !w.pushFailed && !w.resubscribe && w.subscription.isPresent()
        && Instant.now().isBefore(w.subscription.get().renewAt());
  }

  /** Push or IDLE stopped covering the connection: a poll armed at the long interval comes at the short one. */
  private void uncovered(Watched w) {
    if (w.longTimer && !w.reading && !w.queued && watched.get(w.key) == w && !stopped) {
      armPoll(w, false);
    }
  }

  private void failed(Watched w, Throwable failure) {
    if (failure instanceof GatewayException e
        && (e.reason() == Reason.CONNECTION_NEEDS_REAUTH || e.reason() == Reason.CONNECTION_NOT_FOUND)) {
      forget(w); // the next refresh watches it again if it becomes ACTIVE
      return;
    }
    log.warn("watch={} provider={} read failed: {}", w.key, w.connection.provider().name(),
        failure instanceof GatewayException e ? e.reason().name() : failure.getClass().getSimpleName());
  }

  /** One feed read and its commit; true if the feed has more right away. */
  private Future<Boolean> read(Watched w) {
    Tenant tenant = tenants.find(w.key.tenantId()).orElse(null);
    if (tenant == null) {
      return Future.failedFuture(new GatewayException(Reason.CONNECTION_NOT_FOUND, "tenant is gone"));
    }
    UUID id = w.key.connectionId();
    KnownMessages known = store.known(tenant, id);
    boolean missed = w.missed;
    w.missed = false;
    return cursor(tenant, w).compose(stored -> {
      if (stored.isEmpty()) {
        return access.run(tenant, w.connection, (provider, mailbox) -> w.feed.start(mailbox, known))
            .compose(start -> tenant.withTransaction(tx -> store.start(tx, id, start.cursor(), w.epoch)
                    .compose(recorded -> (recorded ? store.applyKnown(tx, id, start, true) : Future.<Void>succeededFuture())
                        .map(recorded)))
                .onSuccess(recorded -> w.cursor = recorded ? start.cursor() : null))
            .map(false);
      }
      String cursor = stored.get();
      return access.run(tenant, w.connection, (provider, mailbox) -> w.feed.changes(mailbox, cursor, known))
          .compose(changes -> commit(tenant, id, w.epoch, cursor, changes, missed, ORDER_RETRIES)
              .onSuccess(v -> w.cursor = changes.cursor())
              .map(changes.more()));
    }).onFailure(failure -> {
      w.missed |= missed; // a provider's "missed" still owes its RESYNC_REQUIRED
      w.cursor = null; // whatever moved it (another gateway: CursorMoved), the next read starts from the store's
    });
  }

  /**
   * The connection's cursor: the one kept since its last commit, else the stored one (and with it the
   * stored push subscription); empty if its feed was never started.
   */
  private Future<Optional<String>> cursor(Tenant tenant, Watched w) {
    if (w.cursor != null) {
      return Future.succeededFuture(Optional.of(w.cursor));
    }
    return tenant.cipher().compose(cipher -> tenant.withDatabase(db -> store.get(db, cipher, w.key.connectionId())))
        .map(stored -> {
          if (stored.isPresent() && !w.subscribing) {
            w.subscription = stored.get().subscription();
            index(w);
          }
          return stored.map(WatchStore.Stored::cursor);
        });
  }

  private Future<Void> commit(Tenant tenant, UUID id, long epoch, String from, Changes changes, boolean missed, int retries) {
    List<NewEvent> appended = new ArrayList<>();
    if (changes.historyLost() || missed) {
      appended.add(NewEvent.resyncRequired());
    }
    appended.addAll(changes.events());
    if (appended.isEmpty() && from.equals(changes.cursor()) && changes.remember().isEmpty()
        && changes.forget().isEmpty()) {
      return Future.succeededFuture();
    }
    return tenant.withTransaction(tx -> events.append(tx, id, appended)
            .compose(sequences -> store.advance(tx, id, from, changes.cursor(), epoch))
            .compose(advanced -> advanced
                ? store.applyKnown(tx, id, changes, changes.historyLost())
                : Future.failedFuture(new CursorMoved())))
        .onSuccess(v -> {
          if (!appended.isEmpty()) {
            wakeups.appended(tenant.id());
          }
        })
        .recover(failure -> failure instanceof EventOrderConflict && retries > 0
            ? commit(tenant, id, epoch, from, changes, missed, retries - 1)
            : Future.failedFuture(failure));
  }

  /**
   * Another reader moved the cursor first, or a node with a higher lease epoch wrote the watch (this
   * node's lease moved on): this read's changes are the other's to report.
   */
  private static final class CursorMoved extends RuntimeException {
    CursorMoved() {
      super("the change feed's cursor moved during the read", null, false, false);
    }
  }

  // --- IDLE ---

  /** Once a connection's feed was read, its provider's held-connection wake-ups (IMAP IDLE) start. */
  private void startIdle(Watched w) {
    if (w.idler.isEmpty() || w.idle != null || w.idleStarting) {
      return;
    }
    Tenant tenant = tenants.find(w.key.tenantId()).orElse(null);
    if (tenant == null) {
      return;
    }
    w.idleStarting = true;
    access.run(tenant, w.connection, (provider, mailbox) ->
            Future.succeededFuture(w.idler.get().idle(w.key, mailbox, () -> changed(w.key), () -> idleStopped(w.key))))
        .onComplete(started -> {
          w.idleStarting = false;
          if (started.failed()) {
            log.warn("watch={} idle failed to start: {}", w.key, started.cause().getClass().getSimpleName());
          } else if (watched.get(w.key) != w || stopped) {
            started.result().close();
          } else {
            w.idle = started.result();
          }
        });
  }

  /** The connection's IDLE dropped (it reconnects by itself): polled at the short interval meanwhile. */
  private void idleStopped(WatchKey key) {
    onContext(key, this::uncovered);
  }

  // --- push subscriptions ---

  private void index(Watched w) {
    w.subscription.flatMap(PushSubscription::id).ifPresent(subscriptionId -> bySubscription.put(
        w.connection.provider().name() + "/" + subscriptionId, new Subscribed(w.key, w.subscription.get())));
  }

  private void maintainPush(Watched w) {
    if (w.push.isEmpty() || w.subscribing) {
      return;
    }
    if (w.resubscribe || w.pushFailed || w.subscription.isEmpty()
        || !Instant.now().isBefore(w.subscription.get().renewAt())) {
      subscribe(w);
    }
  }

  private void subscribe(Watched w) {
    if (w.push.isEmpty() || w.subscribing) {
      return;
    }
    Tenant tenant = tenants.find(w.key.tenantId()).orElse(null);
    if (tenant == null) {
      return;
    }
    w.subscribing = true;
    w.resubscribe = false;
    Optional<PushSubscription> current = w.subscription;
    access.run(tenant, w.connection, (provider, mailbox) -> w.push.get().subscribe(w.key, mailbox, current))
        .compose(subscription -> tenant.cipher().compose(cipher -> tenant.withDatabase(db -> store.savePush(db, cipher,
            w.key.connectionId(), subscription, w.epoch))).map(subscription))
        .onComplete(result -> {
          w.subscribing = false;
          if (result.failed()) {
            log.warn("watch={} provider={} push subscription failed: {}", w.key, w.connection.provider().name(),
                result.cause().getClass().getSimpleName());
            w.pushFailed = true;
            uncovered(w);
            return;
          }
          current.flatMap(PushSubscription::id)
              .ifPresent(old -> bySubscription.remove(w.connection.provider().name() + "/" + old));
          w.subscription = Optional.of(result.result());
          boolean wasUncovered = current.isEmpty() || w.pushFailed;
          w.pushFailed = false;
          if (watched.get(w.key) == w) {
            index(w);
            if (wasUncovered && !w.longTimer && !w.reading && !w.queued && !stopped) {
              armPoll(w, false); // now covered: the poll armed at the short interval moves to the long one
            }
          }
        });
  }
}
