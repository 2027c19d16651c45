package dev.mailgate.loadgen;

import java.time.Duration;

/**
 * How to drive a target. Open loop ({@code rate > 0}): calls are scheduled at fixed intended start
 * times, whether or not earlier calls have answered, and latency is measured from the intended
 * start (so a stalled server is charged for the queue it causes: no coordinated omission).
 * Closed loop ({@code concurrency > 0}): that many callers, each issuing its next call when the
 * previous one answered; latency is measured from the actual start.
 *
 * <p>Calls whose (intended) start falls in the warm-up are made but not recorded.
 */
public record LoadSpec(Mode mode, double rate, int concurrency, Duration warmup, Duration duration,
    Duration drainTimeout) {

  public enum Mode { OPEN, CLOSED }

  public LoadSpec {
    if (mode == Mode.OPEN && !(rate > 0)) {
      throw new IllegalArgumentException("open loop needs a rate > 0");
    }
    if (mode == Mode.CLOSED && concurrency <= 0) {
      throw new IllegalArgumentException("closed loop needs a concurrency > 0");
    }
    if (warmup.isNegative() || duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException("warm-up must be >= 0 and duration > 0");
    }
  }

  public static LoadSpec open(double rate, Duration warmup, Duration duration) {
    return new LoadSpec(Mode.OPEN, rate, 0, warmup, duration, Duration.ofSeconds(15));
  }

  public static LoadSpec closed(int concurrency, Duration warmup, Duration duration) {
    return new LoadSpec(Mode.CLOSED, 0, concurrency, warmup, duration, Duration.ofSeconds(15));
  }

  /** "open 1000/s" or "closed x4". */
  public String describe() {
    return mode == Mode.OPEN ? "open " + formatRate(rate) + "/s" : "closed x" + concurrency;
  }

  private static String formatRate(double rate) {
    return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
  }
}
