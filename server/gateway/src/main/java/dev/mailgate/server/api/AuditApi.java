package dev.mailgate.server.api;

import com.google.protobuf.Timestamp;
import dev.mailgate.proto.v1.AuditActorType;
import dev.mailgate.proto.v1.AuditEvent;
import dev.mailgate.proto.v1.AuditServiceGrpcService;
import dev.mailgate.proto.v1.ListAuditEventsRequest;
import dev.mailgate.proto.v1.ListAuditEventsResponse;
import dev.mailgate.server.audit.AuditRecord;
import dev.mailgate.server.audit.AuditStore;
import dev.mailgate.server.audit.AuditTrail;
import dev.mailgate.server.auth.Caller;
import dev.mailgate.server.error.FieldViolation;
import io.vertx.core.Future;
import io.vertx.grpc.server.Service;
import java.time.Instant;
import java.util.Optional;

/**
 * mailgate.v1.AuditService: a user's audit trail, newest first. Before it reads, the tenant's
 * entries still waiting for their batch are written ({@link AuditTrail#flushed}), so a listing sees
 * every call that ended before it. Entries older than the tenant's retention are never listed,
 * whether or not a sweep has deleted them yet. Agent tokens may not call it ({@link AgentRestrictions}
 * lists no method of it).
 */
public final class AuditApi {

  /** The end of a range with no end_time: later than any entry. */
  private static final Instant NO_END = Instant.parse("9999-01-01T00:00:00Z");

  private final AuditTrail trail;
  private final AuditStore store;

  public AuditApi(AuditTrail trail, AuditStore store) {
    this.trail = trail;
    this.store = store;
  }

  public Service service(RpcBinder binder) {
    return binder.service(AuditServiceGrpcService.SERVICE_NAME, AuditServiceGrpcService.SERVICE_DESCRIPTOR)
        .unary(AuditServiceGrpcService.ListAuditEvents, this::listAuditEvents)
        .build();
  }

  Future<ListAuditEventsResponse> listAuditEvents(Caller caller, ListAuditEventsRequest request) {
    FieldChecks checks = new FieldChecks().userId("user_id", request.getUserId()).pageSize(request.getPageSize());
    Optional<Instant> start = request.hasStartTime() ? valid(checks, "start_time", request.getStartTime()) : Optional.empty();
    Optional<Instant> end = request.hasEndTime() ? valid(checks, "end_time", request.getEndTime()) : Optional.empty();
    if (start.isPresent() && end.isPresent() && !start.get().isBefore(end.get())) {
      checks.add(new FieldViolation("start_time", "must be before end_time"));
    }
    checks.orThrow();
    Instant kept = Instant.now().minus(caller.tenant().config().audit().retention());
    Instant from = start.filter(time -> time.isAfter(kept)).orElse(kept);
    Instant to = end.orElse(NO_END);
    PageTokens tokens = PageTokens.of(caller.tenant(), "ListAuditEvents", request.getUserId(),
        request.hasStartTime() ? timestamp(request.getStartTime()) : "", request.hasEndTime() ? timestamp(request.getEndTime()) : "");
    int limit = PageSize.AUDIT.of(request.getPageSize());
    return tokens.open(request.getPageToken())
        .compose(position -> trail.flushed(caller.tenant())
            .compose(written -> caller.tenant().withDatabase(db -> store.list(db, request.getUserId(), from, to, position,
                limit))))
        .compose(page -> tokens.next(page.next()).map(next -> ListAuditEventsResponse.newBuilder()
            .addAllAuditEvents(page.entries().stream().map(AuditApi::toProto).toList())
            .setNextPageToken(next)
            .build()));
  }

  private static Optional<Instant> valid(FieldChecks checks, String field, Timestamp timestamp) {
    Optional<Instant> instant = ProtoTime.instant(timestamp);
    if (instant.isEmpty()) {
      checks.add(new FieldViolation(field, ProtoTime.RANGE));
    }
    return instant;
  }

  /** A timestamp as a page token binds it. */
  private static String timestamp(Timestamp timestamp) {
    return timestamp.getSeconds() + "." + timestamp.getNanos();
  }

  private static AuditEvent toProto(AuditRecord record) {
    return AuditEvent.newBuilder()
        .setTime(ProtoTime.of(record.time()))
        .setActorType(switch (record.actorType()) {
          case API_KEY -> AuditActorType.AUDIT_ACTOR_TYPE_API_KEY;
          case AGENT_TOKEN -> AuditActorType.AUDIT_ACTOR_TYPE_AGENT_TOKEN;
          case DASHBOARD_KEY -> AuditActorType.AUDIT_ACTOR_TYPE_DASHBOARD_KEY;
        })
        .setActorId(record.actorId())
        .setUserId(record.userId())
        .setConnectionId(record.connectionId())
        .setMethod(record.method())
        .setStatus(record.status())
        .setReason(record.reason())
        .setRequestId(record.requestId())
        .build();
  }
}
