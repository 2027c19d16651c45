package dev.mailgate.server.cluster;

import dev.mailgate.server.events.EventWakeups;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays event-log wake-ups between nodes through the coordination database: the tenants whose
 * events this node appended are sent with {@code NOTIFY} (those of a few milliseconds in one
 * statement), and other nodes' notifications wake this node's readers. Nothing depends on a
 * notification arriving: readers also read at a short interval.
 */
final class ClusterWakeups {

  static final String CHANNEL = "mailgate_events";
  private static final Logger log = LoggerFactory.getLogger(ClusterWakeups.class);
  private static final long BATCH_MILLIS = 10;
  /** Beyond this many tenants waiting to be relayed, more are dropped (readers catch up anyway). */
  private static final int MAX_PENDING = 10_000;
  private static final String NOTIFY = "SELECT pg_notify('" + CHANNEL + "', $1 || ' ' || t) FROM unnest($2::text[]) AS t";

  private final Vertx vertx;
  private final CoordinationDatabase db;
  private final String nodeId;
  private final Set<String> pending = new LinkedHashSet<>();
  private boolean scheduled;

  ClusterWakeups(Vertx vertx, CoordinationDatabase db, UUID nodeId, EventWakeups wakeups) {
    this.vertx = vertx;
    this.db = db;
    this.nodeId = nodeId.toString();
    db.subscriber().channel(CHANNEL).handler(payload -> {
      int space = payload.indexOf(' ');
      if (space > 0 && !payload.substring(0, space).equals(this.nodeId)) {
        wakeups.appendedElsewhere(payload.substring(space + 1));
      }
    });
    wakeups.relayTo(this::relay);
  }

  private synchronized void relay(String tenantId) {
    if (pending.size() < MAX_PENDING) {
      pending.add(tenantId);
    }
    if (!scheduled) {
      scheduled = true;
      vertx.setTimer(BATCH_MILLIS, t -> flush());
    }
  }

  private void flush() {
    String[] tenants;
    synchronized (this) {
      tenants = pending.toArray(String[]::new);
      pending.clear();
      scheduled = false;
    }
    db.pool().preparedQuery(NOTIFY).execute(Tuple.tuple().addString(nodeId).addArrayOfString(tenants))
        .onFailure(failure -> log.warn("relaying event wake-ups failed: {}", failure.toString()));
  }
}
