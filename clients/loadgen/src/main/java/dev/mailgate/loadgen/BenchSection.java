package dev.mailgate.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** What one bench comparison (direct, grpc-java, search, tenants) measured, with its own gateway's memory. */
final class BenchSection {

  final String name;
  final List<LoadResult> results = new ArrayList<>();
  final List<Report.Comparison> comparisons = new ArrayList<>();
  final List<BenchCheck> checks = new ArrayList<>();
  /** Cores each process used per run: target, load, cores by part, CPU microseconds per OK call. */
  final List<JsonObject> cpu = new ArrayList<>();
  List<Long> rssSamplesKib = List.of();
  OptionalLong maxRssKib = OptionalLong.empty();
  OptionalLong hwmKib = OptionalLong.empty();
  /** Why the comparison did not finish, or null. */
  String failure;

  BenchSection(String name) {
    this.name = name;
  }

  /** Each run's CPU microseconds per OK call by process, by "target|load". */
  private final java.util.Map<String, java.util.Map<String, Double>> micros = new java.util.HashMap<>();

  /**
   * Records the cores of one run and each process's CPU per OK call; the total CPU per call counts
   * every process of the run against its OK calls.
   */
  void addCpu(LoadResult result, java.util.Map<String, Double> cores) {
    double total = cores.values().stream().mapToDouble(Double::doubleValue).sum();
    double perSecond = result.ok() / result.durationSeconds();
    java.util.Map<String, Double> perCall = CpuMeter.microsPerCall(cores, perSecond);
    micros.put(result.target() + "|" + result.load(), perCall);
    JsonObject byProcess = new JsonObject();
    perCall.forEach((part, us) -> byProcess.put(part, Double.isNaN(us) ? null : us));
    cpu.add(new JsonObject().put("target", result.target()).put("load", result.load())
        .put("cores", CpuMeter.toJson(cores))
        .put("cpu_us_per_call_by_process", byProcess)
        .put("cpu_us_per_call", perSecond > 0 ? total / perSecond * 1e6 : null));
  }

  /** The CPU microseconds per OK call of one process ({@link CpuMeter} part) during a recorded run; NaN if unknown. */
  double microsPerCall(LoadResult result, String part) {
    java.util.Map<String, Double> perCall = micros.get(result.target() + "|" + result.load());
    Double value = perCall == null ? null : perCall.get(part);
    return value == null ? Double.NaN : value;
  }

  /** Every call made succeeded, and the comparison ran to its end. */
  boolean clean() {
    return failure == null && (!results.isEmpty() || !checks.isEmpty()) && results.stream().allMatch(LoadResult::clean)
        && checks.stream().noneMatch(check -> check.verdict().equals("FAILED CALLS"));
  }

  JsonObject toJson() {
    JsonObject rss = new JsonObject().put("samples_kib", new JsonArray(new ArrayList<>(rssSamplesKib)));
    maxRssKib.ifPresent(v -> rss.put("max_vmrss_kib", v));
    hwmKib.ifPresent(v -> rss.put("vmhwm_kib", v));
    return new JsonObject()
        .put("comparison", name)
        .put("failure", failure)
        .put("results", new JsonArray(results.stream().map(LoadResult::toJson).toList()))
        .put("comparisons", new JsonArray(comparisons.stream().map(Report.Comparison::toJson).toList()))
        .put("checks", new JsonArray(checks.stream().map(BenchCheck::toJson).toList()))
        .put("cpu", new JsonArray(new ArrayList<>(cpu)))
        .put("gateway_rss", rss);
  }
}
