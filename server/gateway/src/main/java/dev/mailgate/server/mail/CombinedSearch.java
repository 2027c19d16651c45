package dev.mailgate.server.mail;

import dev.mailgate.server.store.Page;
import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Searches one or several connections of a user at once and merges the results newest first.
 * A page's position remembers, per connection, the provider page it is in and how much of it was
 * already returned; the API layer hands it out sealed as the page token, bound to the user, the
 * connections searched, the query and the labels.
 */
public final class CombinedSearch {

  /** A message found in one of the user's connections. */
  public record Found(ConnectionRecord connection, MessageSummary summary) {}

  /** One page of merged results, and the position of the next page if there is one. */
  public record Results(List<Found> messages, Optional<String> nextPosition) {}

  /** Where one connection's listing stands: the provider page it is in and how much of it was returned. */
  private record Position(String providerToken, int skip, boolean done) {}

  private final MailboxAccess access;

  public CombinedSearch(MailboxAccess access) {
    this.access = access;
  }

  /**
   * One page of results of {@code connections}, from {@code position} (a {@link Results#nextPosition}
   * of the same search) or from the first page.
   */
  public Future<Results> search(Tenant tenant, List<ConnectionRecord> connections, String query, List<String> labelIds,
      int pageSize, Optional<String> position) {
    Map<UUID, Position> positions;
    try {
      positions = position.isEmpty() ? start(connections) : decode(position.get());
    } catch (RuntimeException notAPosition) {
      return Future.failedFuture(invalidToken());
    }
    List<ConnectionRecord> open = connections.stream()
        .filter(c -> positions.containsKey(c.id()) && !positions.get(c.id()).done()).toList();
    List<Future<List<Found>>> pages = new ArrayList<>();
    Map<UUID, Page<MessageSummary>> fetched = new LinkedHashMap<>();
    for (ConnectionRecord connection : open) {
      Position at = positions.get(connection.id());
      pages.add(access.run(tenant, connection, (provider, mailbox) -> provider.search(mailbox, query, labelIds,
              pageSize, at.providerToken().isEmpty() ? Optional.empty() : Optional.of(at.providerToken())))
          .map(page -> {
            synchronized (fetched) {
              fetched.put(connection.id(), page);
            }
            return page.items().stream().skip(at.skip()).map(m -> new Found(connection, m)).toList();
          }));
    }
    return Future.all(pages).map(all -> {
      List<Found> merged = new ArrayList<>();
      pages.forEach(page -> merged.addAll(page.result()));
      merged.sort(Comparator.comparing((Found f) -> f.summary().receiveTime()).reversed()
          .thenComparing(f -> f.connection().id()).thenComparing(f -> f.summary().messageId()));
      List<Found> page = merged.subList(0, Math.min(pageSize, merged.size()));
      Map<UUID, Position> next = advance(positions, fetched, page);
      boolean more = next.values().stream().anyMatch(p -> !p.done());
      return new Results(List.copyOf(page), more ? Optional.of(encode(next)) : Optional.empty());
    });
  }

  private static Map<UUID, Position> start(List<ConnectionRecord> connections) {
    Map<UUID, Position> positions = new LinkedHashMap<>();
    connections.forEach(c -> positions.put(c.id(), new Position("", 0, false)));
    return positions;
  }

  /** Moves each connection past what this page returned of it. */
  private static Map<UUID, Position> advance(Map<UUID, Position> positions, Map<UUID, Page<MessageSummary>> fetched,
      List<Found> returned) {
    Map<UUID, Position> next = new LinkedHashMap<>(positions);
    fetched.forEach((id, page) -> {
      Position at = positions.get(id);
      long used = returned.stream().filter(f -> f.connection().id().equals(id)).count();
      int consumed = at.skip() + (int) used;
      if (consumed < page.items().size()) {
        next.put(id, new Position(at.providerToken(), consumed, false));
      } else {
        next.put(id, page.nextPageToken().map(token -> new Position(token, 0, false)).orElse(new Position("", 0, true)));
      }
    });
    return next;
  }

  private static String encode(Map<UUID, Position> positions) {
    JsonObject json = new JsonObject();
    positions.forEach((id, p) -> json.put(id.toString(), new JsonArray().add(p.providerToken()).add(p.skip()).add(p.done())));
    return json.encode();
  }

  private static Map<UUID, Position> decode(String text) {
    Map<UUID, Position> positions = new LinkedHashMap<>();
    new JsonObject(text).forEach(entry -> {
      JsonArray p = (JsonArray) entry.getValue();
      positions.put(UUID.fromString(entry.getKey()), new Position(p.getString(0), p.getInteger(1), p.getBoolean(2)));
    });
    return positions;
  }

  private static GatewayException invalidToken() {
    return GatewayException.invalid(List.of(new FieldViolation("page_token",
        "is not a page token returned by this method for these arguments")));
  }
}
