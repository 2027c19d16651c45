package dev.mailgate.loadgen;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The messages one part of {@code bench events} delivered into sandbox mailboxes, and when each
 * one's MESSAGE_ADDED arrived on a WatchTenant stream. A message is known by its subject,
 * {@code "mgbench <tag> <n>"}, unique per ledger; its delivery time is stamped (System.nanoTime)
 * just before it goes on the wire, and its latency is the first arrival minus that stamp, per
 * provider. A later arrival of the same subject is a duplicate (at-least-once delivery), counted
 * but not timed again. Thread-safe.
 */
final class DeliveryLedger {

  static final String PREFIX = "mgbench ";
  private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

  private final String tag;
  private final AtomicLong next = new AtomicLong();
  /** Subject to (provider, stamp) of messages delivered and not yet seen. */
  private final Map<String, Sent> pending = new ConcurrentHashMap<>();
  private final Map<String, Boolean> arrived = new ConcurrentHashMap<>();
  private final Map<String, Histogram> latencies = new TreeMap<>();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  private record Sent(String provider, long nanos) {}

  /** Latency of one provider's messages, in milliseconds. */
  record Stats(String provider, long count, double p50Ms, double p99Ms, double maxMs) {}

  DeliveryLedger(String tag) {
    if (tag.isBlank() || tag.contains(" ")) {
      throw new IllegalArgumentException("a tag is one word");
    }
    this.tag = tag;
  }

  String tag() {
    return tag;
  }

  /** A new subject of this ledger. */
  String nextSubject() {
    return PREFIX + tag + " " + next.incrementAndGet();
  }

  /** The tag of a bench subject ({@code "mgbench TAG N"}), or empty for any other subject. */
  static Optional<String> tagOf(String subject) {
    if (subject == null || !subject.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] parts = subject.substring(PREFIX.length()).split(" ");
    return parts.length == 2 && !parts[0].isEmpty() && parts[1].chars().allMatch(Character::isDigit)
        && !parts[1].isEmpty() ? Optional.of(parts[0]) : Optional.empty();
  }

  /**
   * The message is about to be delivered (again, for a retried delivery: the stamp moves to the
   * retry) at {@code nanos}; ignored once it has arrived.
   */
  void stamp(String subject, String provider, long nanos) {
    if (!arrived.containsKey(subject)) {
      pending.put(subject, new Sent(provider, nanos));
    }
  }

  /** Its delivery failed for good: it is not waited for. */
  void failed(String subject) {
    if (pending.remove(subject) != null) {
      failed.incrementAndGet();
    }
  }

  /** Its event arrived at {@code nanos}. True for the first arrival of a message this ledger stamped. */
  boolean arrived(String subject, long nanos) {
    Sent sent = pending.remove(subject);
    if (sent == null) {
      if (arrived.containsKey(subject)) {
        duplicates.incrementAndGet();
      }
      return false;
    }
    arrived.put(subject, Boolean.TRUE);
    long micros = Math.max(0, (nanos - sent.nanos()) / 1000);
    synchronized (latencies) {
      latencies.computeIfAbsent(sent.provider(), p -> new Histogram(HIGHEST_MICROS, 3))
          .recordValue(Math.min(micros, HIGHEST_MICROS));
    }
    return true;
  }

  /** Messages delivered whose event has not arrived (yet). */
  int outstanding() {
    return pending.size();
  }

  /** The outstanding messages by provider. */
  Map<String, Long> outstandingByProvider() {
    Map<String, Long> counts = new TreeMap<>();
    pending.values().forEach(sent -> counts.merge(sent.provider(), 1L, Long::sum));
    return counts;
  }

  /** The subjects of the outstanding messages. */
  java.util.Set<String> outstandingSubjects() {
    return java.util.Set.copyOf(pending.keySet());
  }

  long arrivedCount() {
    return arrived.size();
  }

  long duplicates() {
    return duplicates.get();
  }

  long failedCount() {
    return failed.get();
  }

  /** Waits until every delivered message arrived, or {@code timeout} passed; true if all arrived. */
  boolean awaitAll(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (outstanding() > 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    return true;
  }

  /** Per provider, the latency of the messages that arrived; and "all" over every provider. */
  Map<String, Stats> stats() {
    Map<String, Stats> stats = new LinkedHashMap<>();
    synchronized (latencies) {
      Histogram all = new Histogram(HIGHEST_MICROS, 3);
      latencies.forEach((provider, histogram) -> {
        stats.put(provider, stats(provider, histogram));
        all.add(histogram);
      });
      if (latencies.size() > 1) {
        stats.put("all", stats("all", all));
      }
    }
    return stats;
  }

  private static Stats stats(String provider, Histogram h) {
    return new Stats(provider, h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
  }
}
