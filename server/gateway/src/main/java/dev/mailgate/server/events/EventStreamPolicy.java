package dev.mailgate.server.events;

import java.time.Duration;

/**
 * The timing of event streams (WatchMailbox, WatchTenant).
 *
 * @param maxAge how long a stream runs before it ends with OK (the client reconnects with its cursor,
 *     so load balancers can spread long streams)
 * @param heartbeat how long a stream stays silent before it sends a HEARTBEAT with its cursor
 * @param catchUp how long a caught-up stream waits for a wake-up before it reads the log again
 *     anyway (appends of another gateway, a missed wake-up)
 */
public record EventStreamPolicy(Duration maxAge, Duration heartbeat, Duration catchUp) {

  public static final EventStreamPolicy DEFAULT =
      new EventStreamPolicy(Duration.ofMinutes(30), Duration.ofSeconds(30), Duration.ofSeconds(1));

  public EventStreamPolicy {
    if (maxAge.isNegative() || maxAge.isZero() || heartbeat.isNegative() || heartbeat.isZero()
        || catchUp.isNegative() || catchUp.isZero()) {
      throw new IllegalArgumentException("event stream durations must be positive");
    }
  }

  /** This policy with another maximum age. */
  public EventStreamPolicy withMaxAge(Duration age) {
    return new EventStreamPolicy(age, heartbeat, catchUp);
  }
}
