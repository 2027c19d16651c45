package dev.mailgate.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The bench's output: the ratio table (values vs targets) first, then the detail tables; and JSON. */
final class BenchReport {

  private BenchReport() {}

  static String ratioTable(List<BenchSection> sections) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"comparison", "load", "metric", "value", "target", "result"});
    for (BenchSection section : sections) {
      if (section.failure != null) {
        rows.add(new String[] {section.name, "-", "did not finish (see below)", "-", "-", "NOT RUN"});
      }
      for (BenchCheck check : section.checks) {
        rows.add(new String[] {check.comparison(), check.load(), check.metric(), check.formattedValue(), check.target(),
            check.verdict()});
      }
    }
    StringBuilder text = new StringBuilder(Report.align(rows));
    for (BenchSection section : sections) {
      if (section.failure != null) {
        text.append(section.name).append(" did not finish: ").append(ChildProcess.mask(section.failure)).append('\n');
      }
    }
    return text.toString();
  }

  static String detail(List<BenchSection> sections) {
    List<Report.Comparison> comparisons = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    List<LoadResult> results = new ArrayList<>();
    for (BenchSection section : sections) {
      comparisons.addAll(section.comparisons);
      for (LoadResult result : section.results) {
        groups.add(section.name);
        results.add(result);
      }
    }
    StringBuilder text = new StringBuilder();
    if (!comparisons.isEmpty()) {
      text.append(Report.comparisonTable(comparisons)).append('\n');
    }
    if (!results.isEmpty()) {
      text.append(Report.table(groups, results));
    }
    List<io.vertx.core.json.JsonObject> cpu = sections.stream().flatMap(s -> s.cpu.stream()).toList();
    if (!cpu.isEmpty()) {
      text.append("\nCPU per run (cores used, warm-up included; us per call = all processes' CPU / OK calls per second)\n");
      for (io.vertx.core.json.JsonObject run : cpu) {
        java.util.Map<String, Double> cores = new java.util.LinkedHashMap<>();
        run.getJsonObject("cores").forEach(e -> cores.put(e.getKey(), ((Number) e.getValue()).doubleValue()));
        Double perCall = run.getDouble("cpu_us_per_call");
        text.append(String.format(java.util.Locale.ROOT, "  %-22s %-12s %s = %s us per call%n", run.getString("target"),
            run.getString("load"), CpuMeter.describe(cores), perCall == null ? "-" : String.format("%.0f", perCall)));
      }
    }
    return text.toString();
  }

  static JsonObject json(List<BenchSection> sections, String warmup, String duration) {
    List<BenchCheck> checks = sections.stream().flatMap(s -> s.checks.stream()).toList();
    return new JsonObject()
        .put("warmup", warmup)
        .put("duration", duration)
        .put("checks", new JsonArray(checks.stream().map(BenchCheck::toJson).toList()))
        .put("comparisons", new JsonArray(sections.stream().map(BenchSection::toJson).toList()));
  }
}
