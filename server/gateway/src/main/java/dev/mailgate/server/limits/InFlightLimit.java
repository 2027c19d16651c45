package dev.mailgate.server.limits;

import java.util.concurrent.atomic.AtomicInteger;

/** A bulkhead: at most {@code max} calls in flight at once on this node. */
final class InFlightLimit {

  private final int max;
  private final AtomicInteger running = new AtomicInteger();

  InFlightLimit(int max) {
    this.max = max;
  }

  /** Takes a slot, or throws RATE_LIMITED; every slot taken must be given back with {@link #exit()}. */
  void enter() {
    if (running.incrementAndGet() > max) {
      running.decrementAndGet();
      throw Refusals.busy(max);
    }
  }

  void exit() {
    running.decrementAndGet();
  }

  int running() {
    return running.get();
  }
}
