package dev.mailgate.server.cluster;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel between gateway nodes through the coordination database's {@code LISTEN/NOTIFY}: what
 * this node sends within a few milliseconds goes out in one statement (equal messages once), and
 * what the other nodes send reaches {@code receiver}. Messages are hints that may be lost (a node's
 * listening connection reconnecting, a full queue): whoever relies on them also catches up on its
 * own.
 */
final class ClusterChannel {

  private static final Logger log = LoggerFactory.getLogger(ClusterChannel.class);
  /** At most this often a statement per channel and node (20 a second), however busy the node is. */
  private static final long BATCH_MILLIS = 50;
  /** Beyond this many messages waiting to be sent, more are dropped. */
  private static final int MAX_PENDING = 10_000;
  /** PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more. */
  private static final int MAX_PAYLOAD = 7_900;

  private final Vertx vertx;
  private final CoordinationDatabase db;
  private final String name;
  private final String nodeId;
  private final String notify;
  private final Set<String> pending = new LinkedHashSet<>();
  private boolean scheduled;

  ClusterChannel(Vertx vertx, CoordinationDatabase db, UUID nodeId, String name, Consumer<String> receiver) {
    this.vertx = vertx;
    this.db = db;
    this.name = name;
    this.nodeId = nodeId.toString();
    this.notify = "SELECT pg_notify('" + name + "', $1 || ' ' || m) FROM unnest($2::text[]) AS m";
    db.subscriber().channel(name).handler(payload -> {
      int space = payload.indexOf(' ');
      if (space > 0 && !payload.substring(0, space).equals(this.nodeId)) {
        receiver.accept(payload.substring(space + 1));
      }
    });
  }

  /** Sends {@code message} to the other nodes soon; dropped if too long or too many are waiting. */
  synchronized void send(String message) {
    if (message.length() + nodeId.length() + 1 > MAX_PAYLOAD || pending.size() >= MAX_PENDING) {
      return;
    }
    pending.add(message);
    if (!scheduled) {
      scheduled = true;
      vertx.setTimer(BATCH_MILLIS, t -> flush());
    }
  }

  private void flush() {
    List<String> messages;
    synchronized (this) {
      messages = new ArrayList<>(pending);
      pending.clear();
      scheduled = false;
    }
    db.pool().preparedQuery(notify).execute(Tuple.tuple().addString(nodeId).addArrayOfString(messages.toArray(String[]::new)))
        .onFailure(failure -> log.warn("sending on cluster channel {} failed: {}", name, failure.toString()));
  }
}
