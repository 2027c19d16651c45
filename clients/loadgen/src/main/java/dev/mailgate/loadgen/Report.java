package dev.mailgate.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Prints results as aligned tables and writes them as JSON; with gateway and direct, their ratios. */
public final class Report {

  private Report() {
  }

  /** Gateway vs direct, from two runs with the same load. */
  public record Comparison(double throughputRatio, long p50AddedMicros, long p99AddedMicros, long p999AddedMicros) {

    public static Optional<Comparison> of(List<LoadResult> results) {
      Optional<LoadResult> gateway = results.stream().filter(r -> r.target().equals("gateway")).findFirst();
      Optional<LoadResult> direct = results.stream().filter(r -> r.target().equals("direct")).findFirst();
      if (gateway.isEmpty() || direct.isEmpty()) {
        return Optional.empty();
      }
      LoadResult g = gateway.get();
      LoadResult d = direct.get();
      return Optional.of(new Comparison(
          d.throughput() == 0 ? 0 : g.throughput() / d.throughput(),
          g.p50Micros() - d.p50Micros(), g.p99Micros() - d.p99Micros(), g.p999Micros() - d.p999Micros()));
    }

    public JsonObject toJson() {
      return new JsonObject()
          .put("throughput_ratio_gateway_over_direct", throughputRatio)
          .put("p50_added_micros", p50AddedMicros)
          .put("p99_added_micros", p99AddedMicros)
          .put("p99_9_added_micros", p999AddedMicros);
    }
  }

  public static String table(List<LoadResult> results) {
    String[] header = {"target", "load", "requests", "ok", "errors", "req/s", "p50 us", "p99 us", "p99.9 us",
        "max us", "statuses"};
    List<String[]> rows = new java.util.ArrayList<>();
    rows.add(header);
    for (LoadResult r : results) {
      rows.add(new String[] {
          r.target(),
          r.mode().equals("open") ? "open " + fmt(r.requestedRate(), 0) + "/s" : "closed x" + r.concurrency(),
          Long.toString(r.requests()), Long.toString(r.ok()), Long.toString(r.errors()),
          fmt(r.throughput(), 1),
          Long.toString(r.p50Micros()), Long.toString(r.p99Micros()), Long.toString(r.p999Micros()),
          Long.toString(r.maxMicros()),
          statuses(r.statuses())});
    }
    return align(rows);
  }

  public static String comparisonTable(Comparison c) {
    return align(List.of(
        new String[] {"gateway vs direct", "value"},
        new String[] {"throughput ratio (gateway / direct)", fmt(c.throughputRatio(), 3)},
        new String[] {"p50 added (us)", Long.toString(c.p50AddedMicros())},
        new String[] {"p99 added (us)", Long.toString(c.p99AddedMicros())},
        new String[] {"p99.9 added (us)", Long.toString(c.p999AddedMicros())}));
  }

  public static JsonObject json(List<LoadResult> results) {
    JsonObject json = new JsonObject()
        .put("results", new JsonArray(results.stream().map(LoadResult::toJson).toList()));
    Comparison.of(results).ifPresent(c -> json.put("comparison", c.toJson()));
    return json;
  }

  private static String statuses(Map<String, Long> statuses) {
    return statuses.isEmpty() ? "-" : statuses.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
  }

  private static String fmt(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /** Left-aligns text columns, right-aligns numeric ones. */
  private static String align(List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    boolean[] numeric = new boolean[columns];
    java.util.Arrays.fill(numeric, true);
    for (int i = 0; i < rows.size(); i++) {
      for (int c = 0; c < columns; c++) {
        width[c] = Math.max(width[c], rows.get(i)[c].length());
        if (i > 0 && !rows.get(i)[c].matches("-?[0-9.]+")) {
          numeric[c] = false;
        }
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        String cell = row[c];
        String pad = " ".repeat(width[c] - cell.length());
        line.append(c == 0 ? "" : "  ").append(numeric[c] ? pad + cell : cell + pad);
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
