package dev.mailgate.loadgen;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one run measured, warm-up excluded. Latencies are of successful (OK) calls only, in
 * microseconds; {@code histogramCount} equals the OK count. Every recorded call appears in
 * {@code statuses} under its gRPC status name (or the direct target's equivalent), and
 * {@code INCOMPLETE} counts calls still unanswered when the drain timeout ran out.
 */
public record LoadResult(
    String target,
    String mode,
    double requestedRate,
    int concurrency,
    double warmupSeconds,
    double durationSeconds,
    long requests,
    long ok,
    long errors,
    Map<String, Long> statuses,
    long histogramCount,
    double throughput,
    long p50Micros,
    long p99Micros,
    long p999Micros,
    long maxMicros,
    double meanMicros,
    long warmupRequests) {

  public LoadResult {
    statuses = Map.copyOf(new TreeMap<>(statuses));
  }

  /** The same result under another target name (e.g. "gateway 1000 tenants"). */
  public LoadResult withTarget(String name) {
    return new LoadResult(name, mode, requestedRate, concurrency, warmupSeconds, durationSeconds, requests, ok,
        errors, statuses, histogramCount, throughput, p50Micros, p99Micros, p999Micros, maxMicros, meanMicros,
        warmupRequests);
  }

  /** No call failed, and there was at least one. */
  public boolean clean() {
    return requests > 0 && errors == 0;
  }

  /** "open 1000/s", "closed x16" or "cold first call". */
  public String load() {
    return switch (mode) {
      case "open" -> "open " + (requestedRate == Math.rint(requestedRate)
          ? Long.toString((long) requestedRate) : Double.toString(requestedRate)) + "/s";
      case "cold" -> "cold first call";
      default -> "closed x" + concurrency;
    };
  }

  public JsonObject toJson() {
    JsonObject counts = new JsonObject();
    new TreeMap<>(statuses).forEach(counts::put);
    return new JsonObject()
        .put("target", target)
        .put("mode", mode)
        .put("load", load())
        .put("requested_rate", requestedRate)
        .put("concurrency", concurrency)
        .put("warmup_seconds", warmupSeconds)
        .put("duration_seconds", durationSeconds)
        .put("requests", requests)
        .put("ok", ok)
        .put("errors", errors)
        .put("statuses", counts)
        .put("histogram_count", histogramCount)
        .put("throughput_per_second", throughput)
        .put("latency_micros", new JsonObject()
            .put("p50", p50Micros)
            .put("p99", p99Micros)
            .put("p99_9", p999Micros)
            .put("max", maxMicros)
            .put("mean", meanMicros))
        .put("warmup_requests", warmupRequests);
  }
}
