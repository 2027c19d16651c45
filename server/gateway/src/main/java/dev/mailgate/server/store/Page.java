package dev.mailgate.server.store;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One page of a listing, and where the next page starts: a provider's own page token (mail
 * listings), or the key of the last row a stored listing returned (users, connections). Empty when
 * nothing follows. The API layer turns either into the page token a client sees.
 *
 * @param items the page's items
 * @param nextPageToken where the next page starts; empty on the last page
 */
public record Page<T>(List<T> items, Optional<String> nextPageToken) {

  /** Whether another page follows this one. */
  public boolean hasMore() {
    return nextPageToken.isPresent();
  }

  /**
   * Cuts a list fetched with {@code limit + 1} rows down to {@code limit}; when a row was cut, the
   * next page starts after the last row kept, named by {@code key}.
   */
  static <T> Page<T> of(List<T> fetched, int limit, Function<T, String> key) {
    if (fetched.size() <= limit) {
      return new Page<>(fetched, Optional.empty());
    }
    List<T> kept = fetched.subList(0, limit);
    return new Page<>(kept, Optional.of(key.apply(kept.get(limit - 1))));
  }
}
