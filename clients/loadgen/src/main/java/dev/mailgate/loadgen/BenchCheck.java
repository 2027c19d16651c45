package dev.mailgate.loadgen;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * One row of the bench's ratio table: a measured value and, where the issue sets one, its target.
 * A value measured over rounds is their median, with the spread (min–max) beside it. A value
 * computed from runs in which any call failed (or none was made) is never a PASS.
 *
 * @param spread the per-round values, or null for a value measured once (the cold pass, memory)
 * @param limit the target, or null for a value shown for information only
 * @param atLeast whether the value must be at least (true) or at most (false) the limit
 * @param clean whether every run the value comes from had calls and no failed call
 */
public record BenchCheck(String comparison, String load, String metric, double value, Rounds.Spread spread,
    int decimals, String unit, Double limit, boolean atLeast, boolean clean) {

  public static final String UNDECIDED = "UNDECIDED";

  public static BenchCheck atLeast(String comparison, String load, String metric, double value, int decimals,
      String unit, double limit, boolean clean) {
    return new BenchCheck(comparison, load, metric, value, null, decimals, unit, limit, true, clean);
  }

  public static BenchCheck atMost(String comparison, String load, String metric, double value, int decimals,
      String unit, double limit, boolean clean) {
    return new BenchCheck(comparison, load, metric, value, null, decimals, unit, limit, false, clean);
  }

  public static BenchCheck info(String comparison, String load, String metric, double value, int decimals,
      String unit, boolean clean) {
    return new BenchCheck(comparison, load, metric, value, null, decimals, unit, null, false, clean);
  }

  /** The median of the rounds, held to at least {@code limit}. */
  public static BenchCheck atLeast(String comparison, String load, String metric, Rounds.Spread spread, int decimals,
      String unit, double limit, boolean clean) {
    return new BenchCheck(comparison, load, metric, spread.median(), spread, decimals, unit, limit, true, clean);
  }

  /** The median of the rounds, held to at most {@code limit}. */
  public static BenchCheck atMost(String comparison, String load, String metric, Rounds.Spread spread, int decimals,
      String unit, double limit, boolean clean) {
    return new BenchCheck(comparison, load, metric, spread.median(), spread, decimals, unit, limit, false, clean);
  }

  /** The median of the rounds, for information. */
  public static BenchCheck info(String comparison, String load, String metric, Rounds.Spread spread, int decimals,
      String unit, boolean clean) {
    return new BenchCheck(comparison, load, metric, spread.median(), spread, decimals, unit, null, false, clean);
  }

  /**
   * PASS or MISS when every round falls on the same side of the target; UNDECIDED when the spread
   * crosses it (some rounds pass, some miss: the machine's noise, not the code, decides); "-" (no
   * target); FAILED CALLS (the runs behind the value had errors).
   */
  public String verdict() {
    if (!clean) {
      return "FAILED CALLS";
    }
    if (limit == null) {
      return "-";
    }
    if (spread != null && passes(spread.min()) != passes(spread.max())) {
      return UNDECIDED;
    }
    return passes(value) ? "PASS" : "MISS";
  }

  private boolean passes(double measured) {
    return atLeast ? measured >= limit : measured <= limit;
  }

  /** "0.939 (0.826..0.960)" for a median of rounds, "63.60 ms" for one value. */
  public String formattedValue() {
    return spread == null ? format(value) + unit
        : format(value) + unit + " (" + format(spread.min()) + ".." + format(spread.max()) + ")";
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
        .put("spread", spread == null ? null : spread.toJson())
        .put("unit", unit.trim())
        .put("target", limit == null ? null : target())
        .put("verdict", verdict());
  }
}
