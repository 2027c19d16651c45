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
