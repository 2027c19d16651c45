package dev.mailgate.loadgen;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** Collects one run's outcomes. Thread-safe (callbacks may land on any event loop). */
final class Recorder {

  /** One hour in microseconds: anything slower is clamped there rather than dropped. */
  private static final long HIGHEST = TimeUnit.HOURS.toMicros(1);

  private final long measureStart;
  private final long measureEnd;
  private final Histogram histogram = new Histogram(HIGHEST, 3);
  private final Map<String, Long> statuses = new HashMap<>();
  private long issued;
  private long completed;
  private long warmupIssued;

  Recorder(long measureStartNanos, long measureEndNanos) {
    this.measureStart = measureStartNanos;
    this.measureEnd = measureEndNanos;
  }

  /** Whether a call (intended to start) at this time is part of the measurement. */
  boolean measured(long startNanos) {
    return startNanos >= measureStart && startNanos < measureEnd;
  }

  synchronized void issued(long startNanos) {
    if (measured(startNanos)) {
      issued++;
    } else {
      warmupIssued++;
    }
  }

  synchronized void completed(long startNanos, long endNanos, String status) {
    if (!measured(startNanos)) {
      return;
    }
    completed++;
    statuses.merge(status, 1L, Long::sum);
    if (LoadTarget.OK.equals(status)) {
      long micros = Math.max(0, (endNanos - startNanos) / 1_000);
      histogram.recordValue(Math.min(micros, HIGHEST));
    }
  }

  synchronized LoadResult result(String target, LoadSpec spec) {
    return result(target, spec.mode().name().toLowerCase(java.util.Locale.ROOT), spec.rate(), spec.concurrency(),
        spec.warmup().toNanos() / 1e9, spec.duration().toNanos() / 1e9);
  }

  /** The result of a run described by these fields; throughput is OK calls over {@code seconds}. */
  synchronized LoadResult result(String target, String mode, double rate, int concurrency, double warmupSeconds,
      double seconds) {
    Map<String, Long> counts = new HashMap<>(statuses);
    long incomplete = issued - completed;
    if (incomplete > 0) {
      counts.merge("INCOMPLETE", incomplete, Long::sum);
    }
    long requests = issued;
    long ok = counts.getOrDefault(LoadTarget.OK, 0L);
    boolean any = histogram.getTotalCount() > 0;
    return new LoadResult(target, mode, rate, concurrency, warmupSeconds, seconds,
        requests, ok, requests - ok, counts,
        histogram.getTotalCount(),
        ok / seconds,
        any ? histogram.getValueAtPercentile(50) : 0,
        any ? histogram.getValueAtPercentile(99) : 0,
        any ? histogram.getValueAtPercentile(99.9) : 0,
        any ? histogram.getMaxValue() : 0,
        any ? histogram.getMean() : 0,
        warmupIssued);
  }
}
