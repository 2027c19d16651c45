package dev.mailgate.server.watch;

import dev.mailgate.server.events.NewEvent;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link ChangeFeed} found: the events to append (oldest first), the cursor after them,
 * and the per-message state to keep for the next comparison, all committed together.
 *
 * @param events the events, in the order they happened
 * @param cursor the feed's cursor after these events
 * @param historyLost the provider lost the history the old cursor pointed into: changes may have
 *     been missed, and the watcher appends RESYNC_REQUIRED before {@code events}
 * @param more the provider has more changes after {@code cursor}: call again now
 * @param remember message id to its labels now, to store in {@link KnownMessages}
 * @param forget message ids to drop from {@link KnownMessages}
 */
public record Changes(List<NewEvent> events, String cursor, boolean historyLost, boolean more,
    Map<String, List<String>> remember, Set<String> forget) {

  public Changes {
    events = List.copyOf(events);
    remember = Map.copyOf(remember);
    forget = Set.copyOf(forget);
  }

  /** No events: the cursor for now. */
  public static Changes at(String cursor) {
    return new Changes(List.of(), cursor, false, false, Map.of(), Set.of());
  }
}
