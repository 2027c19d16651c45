package dev.mailgate.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench events} throughput: events from the log to {@code --streams} concurrent WatchTenant
 * streams, each of which must receive every event. Two measurements from the same events:
 * <ul>
 *   <li>live: the streams are open (from a cursor taken before) while {@code --throughput-events}
 *       messages are delivered as fast as the sandboxes take them (16 at a time) over the latency
 *       mailboxes and the feeds turn them into events: bounded by how fast the feeds produce;</li>
 *   <li>replay: once every event is in the log, the same number of new streams resume from that
 *       cursor and read all of them: the log-to-streams path alone.</li>
 * </ul>
 */
final class EventsThroughput {

  private final EventsBench bench;
  private final EventsGateway g;
  private final List<BenchMailbox> boxes;
  private final BenchSection section;

  EventsThroughput(EventsBench bench, EventsGateway g, List<BenchMailbox> boxes, BenchSection section) {
    this.bench = bench;
    this.g = g;
    this.boxes = boxes;
    this.section = section;
  }

  void run() throws Exception {
    int events = bench.options().throughputEvents;
    int count = bench.options().streams;
    String cursor = g.main.lastCursor;
    if (cursor.isEmpty()) {
      throw new IllegalStateException("the main stream has no cursor yet (no event arrived on it)");
    }
    DeliveryLedger ledger = g.ledger("throughput");
    bench.out().printf("throughput: %d streams from a cursor, %d messages delivered as fast as the sandboxes take them ...%n",
        count, events);
    bench.out().flush();
    List<EventStreams.Stream> live = new ArrayList<>();
    try (EventStreams streams = new EventStreams(vertxOf(), g.gateway.address, g.credentials())) {
      for (int i = 0; i < count; i++) {
        live.add(streams.open(cursor, ledger.tag(), null));
      }
      long start = System.nanoTime();
      bench.deliverAtRate(g, ledger, LatencyPlan.roundRobin(EventsBench.shuffled(boxes), events),
          EventsBench.AS_FAST_AS_POSSIBLE);
      double deliverSeconds = (System.nanoTime() - start) / 1e9;
      Duration timeout = g.pollInterval.plusSeconds(60);
      ledger.awaitAll(timeout);
      awaitCounted(live, (int) ledger.arrivedCount(), Duration.ofSeconds(60));
      bench.out().printf("  delivered %d in %.1f s (%.0f/s); %d events on the main stream%n", events, deliverSeconds,
          events / deliverSeconds, ledger.arrivedCount());
      Window window = Window.of(live, 0);
      String load = count + " streams, " + events + " events";
      section.checks.add(bench.missingCheck("throughput, " + load, ledger, timeout));
      report("live (feeds producing)", load, live, window, ledger.arrivedCount());
    }
    List<EventStreams.Stream> replay = new ArrayList<>();
    try (EventStreams streams = new EventStreams(vertxOf(), g.gateway.address, g.credentials())) {
      long opened = System.nanoTime();
      for (int i = 0; i < count; i++) {
        replay.add(streams.open(cursor, ledger.tag(), null));
      }
      awaitCounted(replay, (int) ledger.arrivedCount(), Duration.ofSeconds(120));
      report("replay from the log", count + " streams, " + ledger.arrivedCount() + " events", replay,
          Window.of(replay, opened), ledger.arrivedCount());
    }
  }

  private io.vertx.core.Vertx vertxOf() {
    return bench.vertx();
  }

  private void report(String how, String load, List<EventStreams.Stream> streams, Window window, long expected) {
    long total = streams.stream().mapToLong(s -> s.countedIds.size()).sum();
    long complete = streams.stream().filter(s -> s.countedIds.size() >= expected).count();
    long ended = streams.stream().filter(s -> s.ended != null).count();
    boolean clean = expected > 0 && complete == streams.size();
    section.checks.add(BenchCheck.info("events", "throughput " + how + ", " + load,
        "events/s delivered, all streams together (" + total + " in " + Report.fmt(window.seconds(), 1) + " s)",
        total / window.seconds(), 0, "/s", clean));
    section.checks.add(BenchCheck.info("events", "throughput " + how + ", " + load, "events/s per stream",
        expected / window.seconds(), 0, "/s", clean));
    section.checks.add(BenchCheck.atMost("events", "throughput " + how + ", " + load,
        "streams that missed an event (of " + streams.size() + "; ended early: " + ended + ")",
        streams.size() - complete, 0, "", 0, expected > 0));
    bench.out().printf("  %s: %d events to %d streams in %.2f s: %.0f events/s in all, %.0f per stream; %d of %d streams got all%n",
        how, total, streams.size(), window.seconds(), total / window.seconds(), expected / window.seconds(), complete,
        streams.size());
    bench.out().flush();
  }

  private static void awaitCounted(List<EventStreams.Stream> streams, int expected, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (streams.stream().allMatch(s -> s.countedIds.size() >= expected || s.ended != null)) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  /** From {@code start} (or the first counted event) to the last counted event of any stream. */
  record Window(double seconds) {
    static Window of(List<EventStreams.Stream> streams, long start) {
      long first = start != 0 ? start : streams.stream().mapToLong(s -> s.firstCountedNanos).filter(n -> n != 0)
          .min().orElse(0);
      long last = streams.stream().mapToLong(s -> s.lastCountedNanos).max().orElse(first);
      return new Window(Math.max(1e-3, (last - first) / 1e9));
    }
  }
}
