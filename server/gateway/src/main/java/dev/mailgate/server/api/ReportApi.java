package dev.mailgate.server.api;

import com.google.protobuf.Timestamp;
import dev.mailgate.proto.v1.DailySendCount;
import dev.mailgate.proto.v1.GetTenantSummaryRequest;
import dev.mailgate.proto.v1.GetUserReportRequest;
import dev.mailgate.proto.v1.RecipientCount;
import dev.mailgate.proto.v1.ReportServiceGrpcService;
import dev.mailgate.proto.v1.SendRecord;
import dev.mailgate.proto.v1.SendReport;
import dev.mailgate.server.auth.Caller;
import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.store.SendReports;
import dev.mailgate.server.store.UserStore;
import io.vertx.core.Future;
import io.vertx.grpc.server.Service;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** mailgate.v1.ReportService: the send audit log, summed up per user or for the tenant. */
public final class ReportApi {

  private static final Duration DEFAULT_RANGE = Duration.ofDays(30);

  private final UserStore users;
  private final SendReports reports;

  public ReportApi(UserStore users, SendReports reports) {
    this.users = users;
    this.reports = reports;
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
        .map(ReportApi::toProto);
  }

  Future<SendReport> getTenantSummary(Caller caller, GetTenantSummaryRequest request) {
    FieldChecks checks = new FieldChecks();
    Range range = range(checks, request.hasStartTime() ? request.getStartTime() : null,
        request.hasEndTime() ? request.getEndTime() : null);
    checks.orThrow();
    return caller.tenant().withDatabase(db -> reports.report(db, range.start(), range.end(), Optional.empty()))
        .map(ReportApi::toProto);
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

  private static SendReport toProto(SendReports.Report report) {
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
    return proto.build();
  }
}
