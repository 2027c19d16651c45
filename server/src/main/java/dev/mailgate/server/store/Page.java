package dev.mailgate.server.store;

import java.util.List;

/** One page of rows, and whether more rows follow the last one. */
public record Page<T>(List<T> items, boolean hasMore) {

  /** Cuts a list fetched with {@code limit + 1} rows down to {@code limit}. */
  static <T> Page<T> of(List<T> fetched, int limit) {
    return fetched.size() > limit ? new Page<>(fetched.subList(0, limit), true) : new Page<>(fetched, false);
  }
}
