package dev.mailgate.server.api;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.EmailAddress;
import dev.mailgate.proto.v1.GetTenantSummaryRequest;
import dev.mailgate.proto.v1.GetUserReportRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MessageContent;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.ReportServiceGrpc;
import dev.mailgate.proto.v1.SendMessageRequest;
import dev.mailgate.proto.v1.SendRecord;
import dev.mailgate.proto.v1.SendReport;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reports count what the send audit log recorded, per user and per tenant. */
class ReportServiceTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  private final MailServiceGrpc.MailServiceBlockingStub mail =
      MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
  private final ReportServiceGrpc.ReportServiceBlockingStub reports =
      ReportServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());

  private void send(String userId, Connection connection, String... to) {
    MessageContent.Builder content = MessageContent.newBuilder().setSubject("report me").setTextBody("x");
    for (String address : to) {
      content.addTo(EmailAddress.newBuilder().setAddress(address));
    }
    mail.sendMessage(SendMessageRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId())
        .setRequestId("r-" + UUID.randomUUID()).setContent(content).build());
  }

  @Test
  void userReportCountsSendsAndFailuresByDayWithTopRecipientsAndRecentSends() throws Exception {
    String userId = Mailboxes.newUserId("reported");
    Connection connection = Mailboxes.connect(gateway.get(), TestGateway.acme(), userId, Provider.PROVIDER_GMAIL,
        userId + "@gmail.test");
    send(userId, connection, "ada@example.org", "bob@example.org");
    send(userId, connection, "ada@example.org");
    gateway.get().providers().sandbox().gmail().failNext(1, 429, "rateLimitExceeded");
    assertFails(Status.Code.UNAVAILABLE, "PROVIDER_RATE_LIMITED", () -> send(userId, connection, "carol@example.org"));

    SendReport report = reports.getUserReport(GetUserReportRequest.newBuilder().setUserId(userId).build());
    assertThat(report.getTotalCount()).isEqualTo(3);
    assertThat(report.getSuccessCount()).isEqualTo(2);
    assertThat(report.getFailureCount()).isEqualTo(1);
    assertThat(report.getByDayList()).singleElement().satisfies(day -> {
      assertThat(day.getDay()).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
      assertThat(day.getSuccessCount()).isEqualTo(2);
      assertThat(day.getFailureCount()).isEqualTo(1);
    });
    assertThat(report.getTopRecipients(0).getAddress()).isEqualTo("ada@example.org");
    assertThat(report.getTopRecipients(0).getCount()).isEqualTo(2);
    assertThat(report.getRecentList()).hasSize(3);
    SendRecord newest = report.getRecent(0);
    assertThat(newest.getSuccess()).isFalse();
    assertThat(newest.getError()).contains("PROVIDER_RATE_LIMITED");
    assertThat(newest.getRecipientsList()).containsExactly("carol@example.org");
    assertThat(report.getRecent(1).getMessageId()).isNotEmpty();

    SendReport tenant = reports.getTenantSummary(GetTenantSummaryRequest.getDefaultInstance());
    assertThat(tenant.getTotalCount()).isGreaterThanOrEqualTo(3);
    String other = Mailboxes.newUserId("quiet");
    Mailboxes.connect(gateway.get(), TestGateway.acme(), other, Provider.PROVIDER_GMAIL, other + "@gmail.test");
    assertThat(reports.getUserReport(GetUserReportRequest.newBuilder().setUserId(other).build()).getTotalCount()).isZero();
  }

  @Test
  void unknownUserAndInvertedRangesAreRefused() {
    assertFails(Status.Code.NOT_FOUND, "USER_NOT_FOUND",
        () -> reports.getUserReport(GetUserReportRequest.newBuilder().setUserId("nobody-" + UUID.randomUUID()).build()));
    assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> reports.getTenantSummary(
        GetTenantSummaryRequest.newBuilder().setStartTime(Timestamp.newBuilder().setSeconds(2_000_000_000L))
            .setEndTime(Timestamp.newBuilder().setSeconds(1_000_000_000L)).build()));
  }

  @Test
  void timestampsOutsideWhatATimestampHoldsAreInvalidArgumentsNamingTheField() {
    var beyond = Timestamp.newBuilder().setSeconds(Long.MAX_VALUE).build();
    var beforeYearOne = Timestamp.newBuilder().setSeconds(-62_135_596_801L).build();
    var badNanos = Timestamp.newBuilder().setSeconds(1_000_000_000L).setNanos(-1).build();
    var failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> reports.getTenantSummary(
        GetTenantSummaryRequest.newBuilder().setEndTime(beyond).build()));
    assertThat(failure.violations()).extracting(v -> v.getField()).containsExactly("end_time");
    failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> reports.getTenantSummary(
        GetTenantSummaryRequest.newBuilder().setStartTime(beforeYearOne).setEndTime(badNanos).build()));
    assertThat(failure.violations()).extracting(v -> v.getField()).containsExactly("end_time", "start_time");
    failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> reports.getUserReport(
        GetUserReportRequest.newBuilder().setUserId("someone").setStartTime(beyond).build()));
    assertThat(failure.violations()).extracting(v -> v.getField()).containsExactly("start_time");

    // The extremes themselves are fine.
    assertThat(reports.getTenantSummary(GetTenantSummaryRequest.newBuilder()
        .setStartTime(Timestamp.newBuilder().setSeconds(-62_135_596_800L))
        .setEndTime(Timestamp.newBuilder().setSeconds(253_402_300_799L).setNanos(999_999_999)).build())
        .getTotalCount()).isGreaterThanOrEqualTo(0);
  }
}
