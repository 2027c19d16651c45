package dev.mailgate.server.events;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Which events of the tenant a reader sees: one connection, all of one user's connections, or the
 * whole tenant narrowed by users, connections and types (an empty list narrows nothing).
 */
public record EventScope(Optional<UUID> connection, Optional<String> user, List<UUID> connections,
    List<String> users, List<EventType> types) {

  /** One connection (whose ownership the caller checked). */
  public static EventScope connection(UUID connectionId) {
    return new EventScope(Optional.of(connectionId), Optional.empty(), List.of(), List.of(), List.of());
  }

  /** Every connection of one user, by the caller's user id. */
  public static EventScope user(String userId) {
    return new EventScope(Optional.empty(), Optional.of(userId), List.of(), List.of(), List.of());
  }

  /** The whole tenant, narrowed by the given lists. */
  public static EventScope tenant(List<String> users, List<UUID> connections, List<EventType> types) {
    return new EventScope(Optional.empty(), Optional.empty(), List.copyOf(connections), List.copyOf(users),
        List.copyOf(types));
  }
}
