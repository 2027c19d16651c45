package dev.mailgate.server.cluster;

import dev.mailgate.server.watch.WatchKey;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases shared through the coordination database. Every {@code renewInterval} the node heartbeats,
 * renews all its leases in one statement (a lease it no longer finds is lost), and moves toward its
 * share: the number of leases divided by the nodes alive, rounded up. Below it, it claims unowned and
 * expired leases ({@code FOR UPDATE SKIP LOCKED}, so nodes claiming at once never wait for each
 * other), each claim raising the lease's epoch; more than a tenth above it (rounded down), it gives
 * the excess up so that a node that just started gets its share at once. Leases are made for every
 * connection a tenant's refresh lists, by whichever node reads it.
 *
 * <p>Lease operations run one after another on the watcher's context; a failing coordination
 * database stops nothing: the node keeps what it holds (its writes stay fenced by their epochs) and
 * tries again at the next interval.
 */
final class SharedLeases implements WatchLeases {

  private static final Logger log = LoggerFactory.getLogger(SharedLeases.class);
  /** The most leases claimed by one statement. */
  static final int CLAIM_BATCH = 2_000;
  /** How soon a claim round follows the offers of new connections (offers of many tenants share one). */
  private static final long CLAIM_DELAY_MILLIS = 50;
  /** Connections not listed are dropped only once their lease is this old (a list read before it was made). */
  private static final int DROP_AFTER_SECONDS = 60;

  private static final String HEARTBEAT = """
      WITH beat AS (
        INSERT INTO nodes (node_id) VALUES ($1) ON CONFLICT (node_id) DO UPDATE SET heartbeat_time = now()
      ), gone AS (
        DELETE FROM nodes WHERE heartbeat_time < now() - interval '1 day'
      )
      SELECT 1 + (SELECT count(*) FROM nodes WHERE node_id <> $1 AND heartbeat_time > now() - make_interval(secs => $2)),
             (SELECT count(*) FROM watch_leases)""";
  private static final String RENEW = """
      UPDATE watch_leases SET expire_time = now() + make_interval(secs => $2) WHERE owner = $1
      RETURNING tenant_id, connection_id, epoch""";
  private static final String CLAIM = """
      UPDATE watch_leases l SET owner = $1, epoch = l.epoch + 1, expire_time = now() + make_interval(secs => $2)
      FROM (SELECT tenant_id, connection_id, owner AS previous FROM watch_leases WHERE expire_time < now()
            ORDER BY expire_time LIMIT $3 FOR UPDATE SKIP LOCKED) c
      WHERE l.tenant_id = c.tenant_id AND l.connection_id = c.connection_id
      RETURNING l.tenant_id, l.connection_id, l.epoch, c.previous IS NOT NULL AS taken_over""";
  private static final String RELEASE = """
      UPDATE watch_leases SET owner = NULL, expire_time = '-infinity'
      WHERE owner = $1 AND (tenant_id, connection_id) IN (
        SELECT tenant_id, connection_id FROM watch_leases WHERE owner = $1 LIMIT $2)
      RETURNING tenant_id, connection_id""";
  private static final String RELEASE_ALL = """
      WITH released AS (UPDATE watch_leases SET owner = NULL, expire_time = '-infinity' WHERE owner = $1)
      DELETE FROM nodes WHERE node_id = $1""";
  private static final String OFFER = """
      INSERT INTO watch_leases (tenant_id, connection_id) SELECT $1, id FROM unnest($2::uuid[]) AS id
      ON CONFLICT DO NOTHING""";
  private static final String DROP = """
      DELETE FROM watch_leases WHERE tenant_id = $1 AND NOT (connection_id = ANY($2))
        AND create_time < now() - make_interval(secs => $3)""";

  private final Vertx vertx;
  private final CoordinationDatabase db;
  private final ClusterPolicy policy;
  private final UUID nodeId = UUID.randomUUID();
  private final Map<WatchKey, Long> held = new ConcurrentHashMap<>();
  private Context context;
  private Listener listener;
  private ClusterChannel pushes;
  private Future<?> last = Future.succeededFuture();
  private long liveNodes = 1;
  private long totalLeases;
  private long timer = -1;
  private long claimTimer = -1;
  private boolean stopped;

  SharedLeases(Vertx vertx, CoordinationDatabase db, ClusterPolicy policy) {
    this.vertx = vertx;
    this.db = db;
    this.policy = policy;
  }

  @Override
  public void start(Listener listener) {
    this.listener = listener;
    this.context = vertx.getOrCreateContext();
    this.pushes = new ClusterChannel(vertx, db, nodeId, "mailgate_push", message -> {
      int space = message.indexOf(' ');
      if (space > 0) {
        context.runOnContext(v -> listener.relayed(message.substring(0, space), message.substring(space + 1)));
      }
    });
    log.info("node {} joins the cluster (leases of {} ms, renewed every {} ms)", nodeId,
        policy.leaseTime().toMillis(), policy.renewInterval().toMillis());
    tick();
  }

  /** This node's id in the coordination database. */
  UUID nodeId() {
    return nodeId;
  }

  private void tick() {
    serial(() -> heartbeat().compose(v -> renew()).compose(v -> balance()))
        .onFailure(failure -> log.warn("node {} lease round failed: {}", nodeId, failure.toString()))
        .onComplete(done -> {
          if (!stopped) {
            timer = vertx.setTimer(policy.renewInterval().toMillis(), t -> tick());
          }
        });
  }

  private Future<Void> heartbeat() {
    return db.pool().preparedQuery(HEARTBEAT).execute(Tuple.of(nodeId, seconds(policy.leaseTime()))).map(rows -> {
      Row row = rows.iterator().next();
      liveNodes = Math.max(1, row.getLong(0));
      totalLeases = row.getLong(1);
      return null;
    });
  }

  private Future<Void> renew() {
    return db.pool().preparedQuery(RENEW).execute(Tuple.of(nodeId, seconds(policy.leaseTime()))).map(rows -> {
      Set<WatchKey> renewed = new HashSet<>();
      for (Row row : rows) {
        renewed.add(key(row));
      }
      for (WatchKey key : Set.copyOf(held.keySet())) {
        if (!renewed.contains(key)) {
          lose(key);
        }
      }
      return null;
    });
  }

  /** Claims up to this node's share, or gives up what is well above it. */
  private Future<Void> balance() {
    long share = (totalLeases + liveNodes - 1) / liveNodes;
    if (held.size() < share) {
      return claim((int) Math.min(CLAIM_BATCH, share - held.size()));
    }
    long excess = held.size() - share;
    if (excess > share / 10) { // a tenth of slack, none for small shares (3 leases on 2 nodes: 2 and 1)
      return db.pool().preparedQuery(RELEASE).execute(Tuple.of(nodeId, (int) excess)).map(rows -> {
        rows.forEach(row -> lose(key(row)));
        log.info("node {} gave up {} leases ({} nodes, {} leases)", nodeId, rows.rowCount(), liveNodes, totalLeases);
        return null;
      });
    }
    return Future.succeededFuture();
  }

  private Future<Void> claim(int count) {
    return db.pool().preparedQuery(CLAIM).execute(Tuple.of(nodeId, seconds(policy.leaseTime()), count)).map(rows -> {
      Map<String, Map<UUID, Long>> epochs = new HashMap<>();
      Map<String, Set<UUID>> takenOver = new HashMap<>();
      for (Row row : rows) {
        WatchKey key = key(row);
        long epoch = row.getLong("epoch");
        held.put(key, epoch);
        epochs.computeIfAbsent(key.tenantId(), t -> new HashMap<>()).put(key.connectionId(), epoch);
        if (row.getBoolean("taken_over")) {
          takenOver.computeIfAbsent(key.tenantId(), t -> new HashSet<>()).add(key.connectionId());
        }
      }
      if (rows.rowCount() > 0) {
        log.debug("node {} claimed {} leases ({} held)", nodeId, rows.rowCount(), held.size());
      }
      epochs.forEach((tenant, claimed) -> listener.gained(tenant, claimed, takenOver.getOrDefault(tenant, Set.of())));
      return null;
    });
  }

  private void lose(WatchKey key) {
    if (held.remove(key) != null) {
      listener.lost(key);
    }
  }

  @Override
  public Future<Void> offer(String tenantId, Collection<UUID> connectionIds) {
    UUID[] ids = connectionIds.toArray(UUID[]::new);
    return serial(() -> db.pool().preparedQuery(OFFER).execute(Tuple.tuple().addString(tenantId).addArrayOfUUID(ids))
        .compose(inserted -> db.pool().preparedQuery(DROP)
            .execute(Tuple.tuple().addString(tenantId).addArrayOfUUID(ids).addInteger(DROP_AFTER_SECONDS)))
        .map(dropped -> {
          if (!connectionIds.isEmpty()) {
            claimSoon();
          }
          return (Void) null;
        }));
  }

  /** A claim round shortly, so a new connection is watched at once rather than at the next interval. */
  private void claimSoon() {
    if (claimTimer != -1 || stopped) {
      return;
    }
    claimTimer = vertx.setTimer(CLAIM_DELAY_MILLIS, t -> {
      claimTimer = -1;
      serial(() -> heartbeat().compose(v -> balance()))
          .onFailure(failure -> log.warn("node {} claim failed: {}", nodeId, failure.toString()));
    });
  }

  @Override
  public void relay(String kind, String payload) {
    if (pushes != null) {
      pushes.send(kind + " " + payload);
    }
  }

  @Override
  public OptionalLong epoch(WatchKey key) {
    Long epoch = held.get(key);
    return epoch == null ? OptionalLong.empty() : OptionalLong.of(epoch);
  }

  @Override
  public Future<Void> stop() {
    if (context == null) {
      return Future.succeededFuture();
    }
    return Future.<Void>future(promise -> context.runOnContext(v -> {
      stopped = true;
      vertx.cancelTimer(timer);
      vertx.cancelTimer(claimTimer);
      serial(() -> db.pool().preparedQuery(RELEASE_ALL).execute(Tuple.of(nodeId)))
          .onSuccess(rows -> log.info("node {} left the cluster and gave up {} leases", nodeId, held.size()))
          .onComplete(done -> {
            held.clear();
            promise.complete();
          });
    }));
  }

  /** Runs {@code operation} after every operation started before it, on this context. */
  @SuppressWarnings("unchecked")
  private <T> Future<T> serial(Supplier<Future<T>> operation) {
    Future<T> next = last.transform(previous -> operation.get());
    last = next;
    return next;
  }

  private static WatchKey key(Row row) {
    return new WatchKey(row.getString("tenant_id"), row.getUUID("connection_id"));
  }

  private static double seconds(java.time.Duration duration) {
    return duration.toMillis() / 1000.0;
  }
}
