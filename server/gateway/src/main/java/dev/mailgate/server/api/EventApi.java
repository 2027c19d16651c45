package dev.mailgate.server.api;

import dev.mailgate.proto.v1.ListMailboxEventsRequest;
import dev.mailgate.proto.v1.ListMailboxEventsResponse;
import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.proto.v1.WatchMailboxRequest;
import dev.mailgate.proto.v1.WatchTenantRequest;
import dev.mailgate.server.auth.Caller;
import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.events.EventLog;
import dev.mailgate.server.events.EventPage;
import dev.mailgate.server.events.EventRetention;
import dev.mailgate.server.events.EventScope;
import dev.mailgate.server.events.EventStreamPolicy;
import dev.mailgate.server.events.EventType;
import dev.mailgate.server.events.EventWakeups;
import dev.mailgate.server.events.LogPosition;
import dev.mailgate.server.mail.MailboxAccess;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The mailbox-event calls of mailgate.v1.MailService (bound by {@link MailApi}): ListMailboxEvents,
 * WatchMailbox and WatchTenant, all reading the tenant's event log ({@link EventLog}) from a cursor
 * ({@link EventCursors}). A named connection is checked like every other connection call: another
 * user's and a missing one are the same CONNECTION_NOT_FOUND, before any event is read.
 */
public final class EventApi {

  /** How many events a stream reads from the log at a time. */
  static final int STREAM_PAGE = 100;

  private final Vertx vertx;
  private final MailboxAccess access;
  private final EventLog log;
  private final EventRetention retention;
  private final EventWakeups wakeups;
  private final EventStreamPolicy policy;
  private volatile boolean draining;

  public EventApi(Vertx vertx, MailboxAccess access, EventLog log, EventRetention retention, EventWakeups wakeups,
      EventStreamPolicy policy) {
    this.vertx = vertx;
    this.access = access;
    this.log = log;
    this.retention = retention;
    this.wakeups = wakeups;
    this.policy = policy;
  }

  /** What a call reads: the tenant, the events, the cursors of that scope and whom its RESYNC_REQUIRED names. */
  record Scope(Tenant tenant, EventScope events, EventCursors cursors, String userId, String connectionId) {}

  Future<ListMailboxEventsResponse> listMailboxEvents(Caller caller, ListMailboxEventsRequest request) {
    new FieldChecks().userId("user_id", request.getUserId()).required("connection_id", request.getConnectionId())
        .pageSize(request.getPageSize()).orThrow();
    int pageSize = PageSize.EVENTS.of(request.getPageSize());
    return mailboxScope(caller, request.getUserId(), request.getConnectionId()).compose(scope ->
        start(scope, request.getCursor()).compose(after -> read(scope, after, pageSize)
            .compose(page -> protos(scope, after, page).compose(events -> scope.cursors().sealer()
                .map(seal -> ListMailboxEventsResponse.newBuilder().addAllEvents(events)
                    .setNextCursor(nextCursor(page, events, seal)).build())))));
  }

  Future<Void> watchMailbox(Caller caller, WatchMailboxRequest request, ResponseStream<MailboxEvent> stream) {
    new FieldChecks().userId("user_id", request.getUserId()).required("connection_id", request.getConnectionId())
        .orThrow();
    return mailboxScope(caller, request.getUserId(), request.getConnectionId()).compose(scope ->
        start(scope, request.getCursor()).compose(after -> new EventStream(this, scope, stream).run(after)));
  }

  Future<Void> watchTenant(Caller caller, WatchTenantRequest request, ResponseStream<MailboxEvent> stream) {
    FieldChecks checks = new FieldChecks();
    var filter = request.getFilter();
    List<UUID> connections = new ArrayList<>();
    for (int i = 0; i < filter.getConnectionIdsCount(); i++) {
      try {
        connections.add(UUID.fromString(filter.getConnectionIds(i)));
      } catch (IllegalArgumentException notAUuid) {
        checks.add(new FieldViolation("filter.connection_ids[" + i + "]", "is not a connection id"));
      }
    }
    for (int i = 0; i < filter.getUserIdsCount(); i++) {
      checks.userId("filter.user_ids[" + i + "]", filter.getUserIds(i));
    }
    List<EventType> types = new ArrayList<>();
    for (int i = 0; i < filter.getTypesCount(); i++) {
      MailboxEventType type = filter.getTypes(i);
      EventProtos.stored(type).ifPresentOrElse(types::add, () -> checks.add(new FieldViolation("filter.types",
          "selects stored event types only; HEARTBEAT and RESYNC_REQUIRED are always sent")));
    }
    checks.orThrow();
    Tenant tenant = caller.tenant();
    Scope scope = new Scope(tenant, EventScope.tenant(filter.getUserIdsList(), connections, types),
        EventCursors.tenant(tenant, filter.getUserIdsList(), connections.stream().map(UUID::toString).toList(),
            types.stream().map(Enum::name).toList()), "", "");
    return start(scope, request.getCursor()).compose(after -> new EventStream(this, scope, stream).run(after));
  }

  /** The last event's own cursor where the page ends at it (or at a RESYNC_REQUIRED), else a new one. */
  private static String nextCursor(EventPage page, List<MailboxEvent> events,
      java.util.function.Function<LogPosition, String> seal) {
    boolean endsAtLast = page.expired()
        || (!page.events().isEmpty() && page.events().get(page.events().size() - 1).position().equals(page.next()));
    return endsAtLast ? events.get(events.size() - 1).getCursor() : seal.apply(page.next());
  }

  private Future<Scope> mailboxScope(Caller caller, String userId, String connectionId) {
    Tenant tenant = caller.tenant();
    EventCursors cursors = EventCursors.mailbox(tenant, userId, connectionId);
    if (connectionId.equals("-")) {
      // An agent token limited to some connections reads only theirs (the binder checked the user).
      EventScope events = caller.agent().filter(grant -> !grant.allConnections())
          .map(grant -> EventScope.tenant(List.of(userId), grant.connections().stream().sorted().toList(), List.of()))
          .orElse(EventScope.user(userId));
      return Future.succeededFuture(new Scope(tenant, events, cursors, userId, ""));
    }
    return access.owned(tenant, userId, connectionId).map(connection ->
        new Scope(tenant, EventScope.connection(connection.id()), cursors, userId, connection.id().toString()));
  }

  /** Where a call starts: the cursor's position, or now for an empty cursor. */
  private Future<LogPosition> start(Scope scope, String cursor) {
    return scope.cursors().open(cursor).compose(position -> position.isPresent()
        ? Future.succeededFuture(position.get())
        : scope.tenant().withDatabase(log::now));
  }

  /** One page of the scope's events (and, at most once a while per tenant, a retention sweep beside it). */
  Future<EventPage> read(Scope scope, LogPosition after, int limit) {
    retention.sweepIfDue(scope.tenant());
    return scope.tenant().withDatabase(db -> log.read(db, scope.events(), after, limit));
  }

  /** A page as the client sees it: its events with their cursors, or one RESYNC_REQUIRED for an expired cursor. */
  Future<List<MailboxEvent>> protos(Scope scope, LogPosition after, EventPage page) {
    return scope.cursors().sealer().map(seal -> page.expired()
        ? List.of(EventProtos.resync(scope.cursors().context(), after.encode(), scope.userId(), scope.connectionId(),
            seal.apply(page.next())))
        : page.events().stream().map(event -> EventProtos.event(event, seal.apply(event.position()))).toList());
  }

  Vertx vertx() {
    return vertx;
  }

  EventWakeups wakeups() {
    return wakeups;
  }

  /** The gateway is stopping: every stream ends with UNAVAILABLE / GATEWAY_DRAINING at its next step, now. */
  public void drain() {
    draining = true;
    wakeups.wakeAll();
  }

  boolean draining() {
    return draining;
  }

  EventStreamPolicy policy() {
    return policy;
  }
}
