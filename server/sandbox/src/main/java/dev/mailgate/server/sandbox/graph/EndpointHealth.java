package dev.mailgate.server.sandbox.graph;

import java.time.Duration;

/**
 * How Graph judges one notification endpoint
 * (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#throttling): over a
 * sliding 10-minute window, more than 10 % of answers slower than 10 seconds marks it slow (new
 * notifications are sent 10 s late), more than 15 % marks it drop (new notifications are dropped);
 * it leaves either state when the share falls back. Graph does not say from how many answers it
 * judges; the sandbox waits for {@value #MIN_ANSWERS} in the window, so one slow answer of a quiet
 * endpoint marks nothing. Kept in one-minute buckets; thread-safe.
 */
final class EndpointHealth {

  static final Duration SLOW_DELAY = Duration.ofSeconds(10);
  static final int MIN_ANSWERS = 100;
  private static final int BUCKETS = 10;
  private static final long BUCKET_NANOS = Duration.ofMinutes(1).toNanos();

  enum State { HEALTHY, SLOW, DROP }

  private final long[] minute = new long[BUCKETS];
  private final long[] answers = new long[BUCKETS];
  private final long[] slow = new long[BUCKETS];

  synchronized void answered(long nanoTime, boolean slowAnswer) {
    long now = nanoTime / BUCKET_NANOS;
    int i = (int) Math.floorMod(now, (long) BUCKETS);
    if (minute[i] != now) {
      minute[i] = now;
      answers[i] = 0;
      slow[i] = 0;
    }
    answers[i]++;
    if (slowAnswer) {
      slow[i]++;
    }
  }

  synchronized State state(long nanoTime) {
    long now = nanoTime / BUCKET_NANOS;
    long all = 0;
    long late = 0;
    for (int i = 0; i < BUCKETS; i++) {
      if (now - minute[i] < BUCKETS) {
        all += answers[i];
        late += slow[i];
      }
    }
    if (all < MIN_ANSWERS) {
      return State.HEALTHY;
    }
    return late * 100 > all * 15 ? State.DROP : late * 100 > all * 10 ? State.SLOW : State.HEALTHY;
  }
}
