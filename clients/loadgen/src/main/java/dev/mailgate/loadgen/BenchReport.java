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
      text.append("\nCPU per run (measured window, warm-up excluded): cores each process used, and its CPU microseconds per OK call"
          + " (the run's calls/s); all = every process\n");
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"target", "load", "cores", "us per call by process", "all us per call"});
      for (io.vertx.core.json.JsonObject run : cpu) {
        java.util.Map<String, Double> cores = new java.util.LinkedHashMap<>();
        run.getJsonObject("cores").forEach(e -> cores.put(e.getKey(), ((Number) e.getValue()).doubleValue()));
        StringBuilder perProcess = new StringBuilder();
        JsonObject byProcess = run.getJsonObject("cpu_us_per_call_by_process", new JsonObject());
        byProcess.forEach(e -> perProcess.append(perProcess.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
            .append(e.getValue() == null ? "-" : Report.fmt(((Number) e.getValue()).doubleValue(), 0)));
        Double perCall = run.getDouble("cpu_us_per_call");
        rows.add(new String[] {run.getString("target"), run.getString("load"), CpuMeter.describe(cores),
            perProcess.toString(), perCall == null ? "-" : Report.fmt(perCall, 0)});
      }
      text.append(Report.align(rows));
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
