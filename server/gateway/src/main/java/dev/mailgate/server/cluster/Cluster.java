package dev.mailgate.server.cluster;

import dev.mailgate.server.events.EventWakeups;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * This gateway's place among the nodes of its deployment: alone (no coordination database), or one
 * of several sharing the coordination database, where mailbox watching is split by leases and event
 * wake-ups are relayed between nodes.
 */
public final class Cluster {

  private final WatchLeases leases;
  private final CoordinationDatabase db;

  private Cluster(WatchLeases leases, CoordinationDatabase db) {
    this.leases = leases;
    this.db = db;
  }

  /** Joins the deployment {@code policy} names (or stays alone); {@code wakeups} are relayed to the others. */
  public static Future<Cluster> join(Vertx vertx, ClusterPolicy policy, EventWakeups wakeups) {
    if (policy.coordinationDb().isEmpty()) {
      return Future.succeededFuture(new Cluster(WatchLeases.solo(), null));
    }
    return CoordinationDatabase.open(vertx, policy.coordinationDb().get()).map(db -> {
      SharedLeases leases = new SharedLeases(vertx, db, policy);
      ClusterChannel events = new ClusterChannel(vertx, db, leases.nodeId(), "mailgate_events", wakeups::appendedElsewhere);
      wakeups.relayTo(events::send);
      return new Cluster(leases, db);
    });
  }

  /** Which connections this node watches. */
  public WatchLeases leases() {
    return leases;
  }

  /** Succeeds when the coordination database answers within {@code timeoutMillis} (at once without one). */
  public Future<Void> reachable(long timeoutMillis) {
    return db == null ? Future.succeededFuture() : db.ping(timeoutMillis);
  }

  /** Gives up this node's leases and disconnects. */
  public Future<Void> leave() {
    return leases.stop().eventually(() -> db == null ? Future.succeededFuture() : db.close());
  }
}
