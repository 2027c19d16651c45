package dev.mailgate.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints results as aligned tables and writes them as JSON; with the gateway and other targets, their ratios. */
public final class Report {

  private Report() {
  }

  /**
   * One target against another under the same load: the subject's throughput over the other's,
   * and how many microseconds the subject adds at each percentile.
   */
  public record Comparison(String name, String load, double throughputRatio, long p50AddedMicros,
      long p99AddedMicros, long p999AddedMicros) {

    /** "gateway vs X" for every other target X in the results, each against the gateway run with the same load. */
    public static List<Comparison> of(List<LoadResult> results) {
      List<Comparison> comparisons = new java.util.ArrayList<>();
      for (LoadResult gateway : results) {
        if (!gateway.target().equals("gateway")) {
          continue;
        }
        for (LoadResult other : results) {
          if (!other.target().equals("gateway") && other.load().equals(gateway.load())) {
            comparisons.add(between("gateway vs " + other.target(), gateway, other));
          }
        }
      }
      return comparisons;
    }

    public static Comparison between(String name, LoadResult subject, LoadResult other) {
      return new Comparison(name, subject.load(),
          other.throughput() == 0 ? 0 : subject.throughput() / other.throughput(),
          subject.p50Micros() - other.p50Micros(), subject.p99Micros() - other.p99Micros(),
          subject.p999Micros() - other.p999Micros());
    }

    public JsonObject toJson() {
      return new JsonObject()
          .put("name", name)
          .put("load", load)
          .put("throughput_ratio", throughputRatio)
          .put("p50_added_micros", p50AddedMicros)
          .put("p99_added_micros", p99AddedMicros)
          .put("p99_9_added_micros", p999AddedMicros);
    }
  }

  public static String table(List<LoadResult> results) {
    return table(null, results);
  }

  /** With {@code groups} (one per result), a first column "comparison" names the group of each row. */
  public static String table(List<String> groups, List<LoadResult> results) {
    String[] header = {"target", "load", "requests", "ok", "errors", "req/s", "p50 us", "p99 us", "p99.9 us",
        "max us", "statuses"};
    List<String[]> rows = new java.util.ArrayList<>();
    rows.add(groups == null ? header : prefixed("comparison", header));
    for (int i = 0; i < results.size(); i++) {
      LoadResult r = results.get(i);
      String[] row = {
          r.target(),
          r.load(),
          Long.toString(r.requests()), Long.toString(r.ok()), Long.toString(r.errors()),
          fmt(r.throughput(), 1),
          Long.toString(r.p50Micros()), Long.toString(r.p99Micros()), Long.toString(r.p999Micros()),
          Long.toString(r.maxMicros()),
          statuses(r.statuses())};
      rows.add(groups == null ? row : prefixed(groups.get(i), row));
    }
    return align(rows);
  }

  private static String[] prefixed(String first, String[] rest) {
    String[] row = new String[rest.length + 1];
    row[0] = first;
    System.arraycopy(rest, 0, row, 1, rest.length);
    return row;
  }

  /** One row per comparison; the throughput ratio is the first target's over the second's. */
  public static String comparisonTable(List<Comparison> comparisons) {
    List<String[]> rows = new java.util.ArrayList<>();
    rows.add(new String[] {"comparison", "load", "throughput ratio", "p50 added (us)", "p99 added (us)",
        "p99.9 added (us)"});
    for (Comparison c : comparisons) {
      rows.add(new String[] {c.name(), c.load(), fmt(c.throughputRatio(), 3), Long.toString(c.p50AddedMicros()),
          Long.toString(c.p99AddedMicros()), Long.toString(c.p999AddedMicros())});
    }
    return align(rows);
  }

  public static JsonObject json(List<LoadResult> results) {
    JsonObject json = new JsonObject()
        .put("results", new JsonArray(results.stream().map(LoadResult::toJson).toList()));
    json.put("comparisons", new JsonArray(Comparison.of(results).stream().map(Comparison::toJson).toList()));
    return json;
  }

  private static String statuses(Map<String, Long> statuses) {
    return statuses.isEmpty() ? "-" : statuses.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
  }

  static String fmt(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /** Left-aligns text columns, right-aligns numeric ones. */
  static String align(List<String[]> rows) {
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
