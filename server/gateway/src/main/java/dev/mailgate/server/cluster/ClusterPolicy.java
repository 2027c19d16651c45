package dev.mailgate.server.cluster;

import java.time.Duration;
import java.util.Optional;

/**
 * How gateway nodes share the watching of mailboxes.
 *
 * @param coordinationDb the deployment's coordination database ({@code postgresql://user:password@host:port/db});
 *     empty: this node is alone and watches every connection itself
 * @param leaseTime how long a node's lease on a connection lasts without renewal (a node that died
 *     is replaced within about this time)
 * @param renewInterval how often a node renews its leases, heartbeats and claims or gives up
 *     leases to hold its share
 */
public record ClusterPolicy(Optional<String> coordinationDb, Duration leaseTime, Duration renewInterval) {

  /** Alone (no coordination database), with the default lease timing for when one is named. */
  public static final ClusterPolicy DEFAULT = new ClusterPolicy(Optional.empty(), Duration.ofSeconds(20), Duration.ofSeconds(5));

  public ClusterPolicy {
    if (renewInterval.isNegative() || renewInterval.isZero() || leaseTime.compareTo(renewInterval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("a lease must outlast at least two renewal intervals");
    }
  }

  /** Coordinated through the database at {@code uri}. */
  public ClusterPolicy withCoordinationDb(String uri) {
    return new ClusterPolicy(Optional.of(uri), leaseTime, renewInterval);
  }

  /** Other lease timing (tests use short ones). */
  public ClusterPolicy withTiming(Duration lease, Duration renew) {
    return new ClusterPolicy(coordinationDb, lease, renew);
  }
}
