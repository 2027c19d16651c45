package dev.mailgate.server.api;

import com.google.protobuf.Timestamp;
import dev.mailgate.proto.v1.ConnectionCount;
import dev.mailgate.proto.v1.DailySendCount;
import dev.mailgate.proto.v1.EventLag;
import dev.mailgate.proto.v1.GetTenantSummaryRequest;
import dev.mailgate.proto.v1.GetUserReportRequest;
import dev.mailgate.proto.v1.RecipientCount;
import dev.mailgate.proto.v1.ReportServiceGrpcService;
import dev.mailgate.proto.v1.SendRecord;
import dev.mailgate.proto.v1.SendReport;
import dev.mailgate.proto.v1.SenderCount;
import dev.mailgate.proto.v1.WebhookHealth;
import dev.mailgate.server.auth.Caller;
import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ConnectionStore;
import dev.mailgate.server.store.SendReports;
import dev.mailgate.server.store.TenantOverview;
import dev.mailgate.server.store.UserStore;
import io.vertx.core.Future;
import io.vertx.grpc.server.Service;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * mailgate.v1.ReportService: the send audit log, summed up per user or for the tenant; the tenant's
 * summary also carries what its dashboard shows beside the sends (senders, users, connections,
 * event lag, webhook health). Both methods only read, so a dashboard key may call them.
 */
public final class ReportApi {

  private static final Duration DEFAULT_RANGE = Duration.ofDays(30);
  /** At most this many connections needing re-authorization are listed. */
  static final int REAUTH_LISTED = 50;

  private final UserStore users;
  private final ConnectionStore connections;
  private final SendReports reports;
  private final TenantOverview overview;

  public ReportApi(UserStore users, ConnectionStore connections, SendReports reports, TenantOverview overview) {
    this.users = users;
    this.connections = connections;
    this.reports = reports;
    this.overview = overview;
  }

  public Service service(RpcBinder binder) {
    return binder.service(ReportServiceGrpcService.SERVICE_NAME, ReportServiceGrpcService.SERVICE_DESCRIPTOR)
        .unary(ReportServiceGrpcService.GetUserReport, this::getUserReport)
        .unary(ReportServiceGrpcService.GetTenantSummary, this::getTenantSummary)
        .build();
  }

  Future<SendReport> getUserReport(Caller caller, GetUserReportRequest request) {
    FieldChecks checks = new FieldChecks().userId("user_id", request.getUserId());
    Range range = range(checks, request.hasStartTime() ? request.getStartTime() : null,
        request.hasEndTime() ? request.getEndTime() : null);
    checks.orThrow();
    return caller.tenant().withDatabase(db -> users.get(db, request.getUserId())
            .compose(user -> reports.report(db, range.start(), range.end(), Optional.of(request.getUserId()))))
        .map(report -> toProto(report).setStartTime(ProtoTime.of(range.start())).setEndTime(ProtoTime.of(range.end()))
            .build());
  }

  Future<SendReport> getTenantSummary(Caller caller, GetTenantSummaryRequest request) {
    FieldChecks checks = new FieldChecks();
    Range range = range(checks, request.hasStartTime() ? request.getStartTime() : null,
        request.hasEndTime() ? request.getEndTime() : null);
    checks.orThrow();
    return caller.tenant().withDatabase(db -> {
      Future<SendReports.Report> sends = reports.report(db, range.start(), range.end(), Optional.empty());
      Future<SendReports.Senders> senders = reports.senders(db, range.start(), range.end());
      Future<List<ConnectionRecord>> reauth = connections.needingReauth(db, REAUTH_LISTED);
      Future<TenantOverview.Overview> tenant = overview.overview(db, range.start(), range.end());
      return Future.all(sends, senders, reauth, tenant).map(all -> {
        SendReport.Builder proto = toProto(sends.result())
            .setStartTime(ProtoTime.of(range.start())).setEndTime(ProtoTime.of(range.end()));
        addSenders(proto, senders.result());
        reauth.result().forEach(connection -> proto.addReauthConnections(ConnectionProtos.toProto(connection)));
        addOverview(proto, tenant.result());
        return proto.build();
      });
    });
  }

  private static void addSenders(SendReport.Builder proto, SendReports.Senders senders) {
    proto.setActiveUserCount(senders.activeUsers());
    senders.top().forEach(sender -> proto.addTopSenders(SenderCount.newBuilder().setUserId(sender.userId())
        .setCount(sender.attempts()).setFailureCount(sender.failed())));
  }

  private static void addOverview(SendReport.Builder proto, TenantOverview.Overview tenant) {
    proto.setUserCount(tenant.users());
    tenant.connections().forEach(count -> proto.addConnectionCounts(ConnectionCount.newBuilder()
        .setProvider(ConnectionProtos.providerOf(count.provider()))
        .setStatus(ConnectionProtos.statusOf(count.status())).setCount(count.count())));
    TenantOverview.EventLag events = tenant.events();
    EventLag.Builder lag = EventLag.newBuilder().setEventCount(events.events()).setMeasuredCount(events.measured());
    events.median().ifPresent(median -> lag.setMedianLag(duration(median)));
    events.p95().ifPresent(p95 -> lag.setP95Lag(duration(p95)));
    events.lastEventTime().ifPresent(last -> lag.setLastEventTime(ProtoTime.of(last)));
    proto.setEventLag(lag);
    TenantOverview.WebhookHealth webhooks = tenant.webhooks();
    WebhookHealth.Builder health = WebhookHealth.newBuilder().setEndpointCount(webhooks.endpoints())
        .setDisabledEndpointCount(webhooks.disabledEndpoints()).setPendingCount(webhooks.pending())
        .setSucceededCount(webhooks.succeeded()).setDeadLetteredCount(webhooks.deadLettered());
    webhooks.oldestPendingAge().ifPresent(age -> health.setOldestPendingAge(duration(age)));
    proto.setWebhookHealth(health);
  }

  private static com.google.protobuf.Duration duration(Duration duration) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(duration.getSeconds()).setNanos(duration.getNano())
        .build();
  }

  private record Range(Instant start, Instant end) {}

  /** Unset end means now; unset start means 30 days before the end; start must come before end. */
  private static Range range(FieldChecks checks, Timestamp start, Timestamp end) {
    Instant to = end == null ? Instant.now() : valid(checks, "end_time", end);
    Instant from = start != null ? valid(checks, "start_time", start) : to == null ? null : to.minus(DEFAULT_RANGE);
    if (to == null || from == null) {
      return new Range(Instant.EPOCH, Instant.EPOCH);
    }
    if (!from.isBefore(to)) {
      checks.add(new FieldViolation("start_time", "must be before end_time"));
    }
    return new Range(from, to);
  }

  /** The instant, or null with a violation for {@code field} if the timestamp is out of range. */
  private static Instant valid(FieldChecks checks, String field, Timestamp timestamp) {
    Optional<Instant> instant = ProtoTime.instant(timestamp);
    if (instant.isEmpty()) {
      checks.add(new FieldViolation(field, ProtoTime.RANGE));
    }
    return instant.orElse(null);
  }

  private static SendReport.Builder toProto(SendReports.Report report) {
    SendReport.Builder proto = SendReport.newBuilder()
        .setTotalCount(report.total()).setSuccessCount(report.succeeded()).setFailureCount(report.failed());
    report.byDay().forEach(day -> proto.addByDay(DailySendCount.newBuilder().setDay(day.day().toString())
        .setSuccessCount(day.succeeded()).setFailureCount(day.failed())));
    report.topRecipients().forEach(r -> proto.addTopRecipients(RecipientCount.newBuilder()
        .setAddress(r.address()).setCount(r.count())));
    report.recent().forEach(e -> proto.addRecent(SendRecord.newBuilder()
        .setUserId(e.userId()).setConnectionId(e.connectionId().toString()).addAllRecipients(e.recipients())
        .setSubject(e.subject()).setMessageId(e.messageId() == null ? "" : e.messageId()).setSuccess(e.success())
        .setError(e.error() == null ? "" : e.error()).setSendTime(ProtoTime.of(e.sendTime()))));
    return proto;
  }
}
