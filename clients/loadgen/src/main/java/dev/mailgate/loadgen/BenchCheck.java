package dev.mailgate.loadgen;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * One row of the bench's ratio table: a measured value and, where the issue sets one, its target.
 * A value computed from runs in which any call failed (or none was made) is never a PASS.
 *
 * @param limit the target, or null for a value shown for information only
 * @param atLeast whether the value must be at least (true) or at most (false) the limit
 * @param clean whether every run the value comes from had calls and no failed call
 */
public record BenchCheck(String comparison, String load, String metric, double value, int decimals, String unit,
    Double limit, boolean atLeast, boolean clean) {

  public static BenchCheck atLeast(String comparison, String load, String metric, double value, int decimals,
      String unit, double limit, boolean clean) {
    return new BenchCheck(comparison, load, metric, value, decimals, unit, limit, true, clean);
  }

  public static BenchCheck atMost(String comparison, String load, String metric, double value, int decimals,
      String unit, double limit, boolean clean) {
    return new BenchCheck(comparison, load, metric, value, decimals, unit, limit, false, clean);
  }

  public static BenchCheck info(String comparison, String load, String metric, double value, int decimals,
      String unit, boolean clean) {
    return new BenchCheck(comparison, load, metric, value, decimals, unit, null, false, clean);
  }

  /** PASS, MISS, "-" (no target), or FAILED CALLS (the runs behind the value had errors). */
  public String verdict() {
    if (!clean) {
      return "FAILED CALLS";
    }
    if (limit == null) {
      return "-";
    }
    return (atLeast ? value >= limit : value <= limit) ? "PASS" : "MISS";
  }

  public String formattedValue() {
    return format(value) + unit;
  }

  public String target() {
    return limit == null ? "-" : (atLeast ? ">= " : "<= ") + format(limit) + unit;
  }

  private String format(double number) {
    return String.format(Locale.ROOT, "%." + decimals + "f", number);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("comparison", comparison)
        .put("load", load)
        .put("metric", metric)
        .put("value", value)
        .put("unit", unit.trim())
        .put("target", limit == null ? null : target())
        .put("verdict", verdict());
  }
}
