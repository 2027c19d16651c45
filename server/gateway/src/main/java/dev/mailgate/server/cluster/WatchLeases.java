package dev.mailgate.server.cluster;

import dev.mailgate.server.watch.WatchKey;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * Which watched connections this node reads: all of them when it is alone ({@link #solo}), or those
 * whose lease it holds in the coordination database. A held lease has an epoch that fences the
 * node's writes in the tenant database ({@link #UNFENCED} when alone).
 */
public interface WatchLeases {

  /** The epoch of a node that is alone: its writes are not fenced. */
  long UNFENCED = -1;

  /** What the watcher is told as leases come and go; called on the watcher's context. */
  interface Listener {

    /**
     * The node now holds these connections of the tenant, with their epochs; {@code takenOver}: those
     * whose previous owner's lease expired (it died or stalled, and pushes meant for it were lost).
     */
    void gained(String tenantId, Map<UUID, Long> epochs, Set<UUID> takenOver);

    /** The node no longer holds the lease on {@code key}: stop reading it. */
    void lost(WatchKey key);

    /** Another node relayed a push notification of provider {@code kind} ({@link #relay}). */
    void relayed(String kind, String payload);
  }

  /** Starts claiming and renewing leases; {@code listener} is called on the context this is called on. */
  void start(Listener listener);

  /**
   * The tenant's connections to watch, as just read from its database: leases are made for new
   * ones, those of connections no longer listed are dropped, and a claim round follows.
   */
  Future<Void> offer(String tenantId, Collection<UUID> connectionIds);

  /**
   * Sends a push notification this node received but does not watch the mailbox of to the other
   * nodes, whose listeners get it as {@link Listener#relayed}; alone, there is no one to send it to.
   */
  void relay(String kind, String payload);

  /** The epoch of this node's lease on {@code key}, if it holds one. */
  OptionalLong epoch(WatchKey key);

  /** Gives every lease up (others take them at once) and leaves the cluster. */
  Future<Void> stop();

  /** The leases of a node that is alone: it holds every connection, unfenced. */
  static WatchLeases solo() {
    return new WatchLeases() {
      @Override
      public void start(Listener listener) {}

      @Override
      public Future<Void> offer(String tenantId, Collection<UUID> connectionIds) {
        return Future.succeededFuture();
      }

      @Override
      public void relay(String kind, String payload) {}

      @Override
      public OptionalLong epoch(WatchKey key) {
        return OptionalLong.of(UNFENCED);
      }

      @Override
      public Future<Void> stop() {
        return Future.succeededFuture();
      }
    };
  }
}
