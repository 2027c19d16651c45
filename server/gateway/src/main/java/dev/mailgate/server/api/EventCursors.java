package dev.mailgate.server.api;

import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.events.LogPosition;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The cursors of one event scope. A cursor is a position in the tenant's event log sealed with the
 * tenant's token keyset ({@code TokenCipher#seal}, authenticated encryption) under a context that
 * names the scope: {@code events/mailbox} with the user and the connection ({@code "-"}: all of the
 * user's), shared by WatchMailbox and ListMailboxEvents; {@code events/tenant} with WatchTenant's
 * filter. A cursor of another tenant or scope, or an altered one, does not open: INVALID_ARGUMENT on
 * {@code cursor}.
 */
final class EventCursors {

  private final Tenant tenant;
  private final String context;

  private EventCursors(Tenant tenant, String context) {
    this.tenant = tenant;
    this.context = context;
  }

  /** The cursors of one user's connection, or of all of them ({@code "-"}). */
  static EventCursors mailbox(Tenant tenant, String userId, String connectionId) {
    return new EventCursors(tenant, PageTokens.bind("events/mailbox", userId, connectionId));
  }

  /** The cursors of a WatchTenant filter (each list sorted: the order it was given in does not matter). */
  static EventCursors tenant(Tenant tenant, List<String> users, List<String> connections, List<String> types) {
    return new EventCursors(tenant, PageTokens.bind("events/tenant", sorted(users), sorted(connections), sorted(types)));
  }

  private static List<String> sorted(List<String> list) {
    return list.stream().distinct().sorted().toList();
  }

  /** The scope's name in the cursors' context (stable ids of synthetic events derive from it). */
  String context() {
    return context;
  }

  /** The position a cursor holds; empty for an empty cursor (start from now). */
  Future<Optional<LogPosition>> open(String cursor) {
    if (cursor.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return tenant.cipher().map(cipher -> Optional.of(cipher.open(context, cursor).flatMap(LogPosition::decode)
        .orElseThrow(EventCursors::invalid)));
  }

  /** What makes the cursor of a position (once the tenant's keyset is loaded). */
  Future<Function<LogPosition, String>> sealer() {
    return tenant.cipher().map(cipher -> position -> cipher.seal(context, position.encode()));
  }

  static GatewayException invalid() {
    return GatewayException.invalid(List.of(new FieldViolation("cursor",
        "is not a cursor handed out by this tenant for this user, connection or filter")));
  }
}
