package dev.mailgate.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * How every bench comparison runs its sides: one after the other, then again, for a number of
 * rounds (at least {@value #MIN}), so that a slow minute of a shared machine lands on one round of
 * each side instead of on one side. A value is then judged on the median of its per-round values,
 * with their spread (min–max) beside it ({@link Spread}, {@link BenchCheck}).
 *
 * <p>A comparison is a few lines: name its sides, {@link #alternate} them, and turn a per-round
 * value into a {@link Spread}, e.g. the throughput ratio of side 1 over side 0 in each round.
 */
final class Rounds {

  /** The fewest rounds a verdict is given on. */
  static final int MIN = 3;

  /** One side of a comparison: runs its load once in the given round (1-based) and returns what it measured. */
  @FunctionalInterface
  interface Side {
    LoadResult run(int round) throws Exception;
  }

  /** What the sides measured in one round, in the order the sides were given. */
  record Round(int number, List<LoadResult> results) {
    LoadResult get(int side) {
      return results.get(side);
    }
  }

  private Rounds() {}

  /** Runs every side once per round, in the given order, for {@code rounds} rounds. */
  static List<Round> alternate(int rounds, List<Side> sides) throws Exception {
    List<Round> done = new ArrayList<>();
    for (int number = 1; number <= rounds; number++) {
      List<LoadResult> results = new ArrayList<>();
      for (Side side : sides) {
        results.add(side.run(number));
      }
      done.add(new Round(number, List.copyOf(results)));
    }
    return done;
  }

  /** One value per round, its median and its spread. */
  record Spread(double median, double min, double max, List<Double> values) {

    static Spread of(List<Double> values) {
      if (values.isEmpty()) {
        throw new IllegalArgumentException("no rounds");
      }
      List<Double> sorted = new ArrayList<>(values);
      sorted.sort(Double::compare);
      int middle = sorted.size() / 2;
      double median = sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
      return new Spread(median, sorted.get(0), sorted.get(sorted.size() - 1), List.copyOf(values));
    }

    static Spread of(List<Round> rounds, ToDoubleFunction<Round> value) {
      return of(rounds.stream().map(value::applyAsDouble).toList());
    }

    JsonObject toJson() {
      return new JsonObject().put("median", median).put("min", min).put("max", max)
          .put("rounds", new JsonArray(new ArrayList<>(values)));
    }
  }
}
