package dev.mailgate.server.fuzz;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.GetTenantSummaryRequest;
import dev.mailgate.proto.v1.GetUserReportRequest;
import dev.mailgate.proto.v1.ListUsersRequest;
import dev.mailgate.proto.v1.ReportServiceGrpc;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fuzz test's findings, pinned: bytes that are not the method's message, a call without a
 * message, an undecodable reflection question and times outside Timestamp's range are bad input
 * (INVALID_ARGUMENT), never INTERNAL or a dropped stream, and change nothing.
 */
class MalformedRequestTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  private static RawGrpcClient raw;

  @BeforeAll
  static void connect() {
    raw = new RawGrpcClient(gateway.get().port());
  }

  @AfterAll
  static void disconnect() throws Exception {
    raw.close();
  }

  private static Outcome createUser(byte[] body) {
    return raw.call("/mailgate.v1.UserService/CreateUser", FuzzMetadata.acme(), body, Duration.ofSeconds(10), false);
  }

  private static List<BadRequest.FieldViolation> violations(Outcome outcome) throws Exception {
    for (var detail : outcome.details().orElseThrow().getDetailsList()) {
      if (detail.is(BadRequest.class)) {
        return detail.unpack(BadRequest.class).getFieldViolationsList();
      }
    }
    return List.of();
  }

  private static int userCount() {
    return UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .listUsers(ListUsersRequest.newBuilder().setPageSize(1000).build()).getUsersCount();
  }

  @Test
  void invalidUtf8InAStringFieldIsInvalidArgumentAndCreatesNothing() throws Exception {
    int before = userCount();
    byte[] valid = CreateUserRequest.newBuilder().setUserId(Mailboxes.newUserId("utf8")).build().toByteArray();
    byte[] badEmail = {0x12, 0x02, (byte) 0xC3, 0x28}; // field 2 (email): a two-byte sequence cut short
    byte[] body = new byte[valid.length + badEmail.length];
    System.arraycopy(valid, 0, body, 0, valid.length);
    System.arraycopy(badEmail, 0, body, valid.length, badEmail.length);

    Outcome outcome = createUser(RawGrpcClient.frame(body));

    assertThat(outcome.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(outcome.reason()).contains("INVALID_ARGUMENT");
    assertThat(violations(outcome)).extracting(BadRequest.FieldViolation::getField).containsExactly("request");
    assertThat(userCount()).isEqualTo(before);
  }

  @Test
  void truncatedMessageIsInvalidArgument() throws Exception {
    byte[] valid = CreateUserRequest.newBuilder().setUserId("truncated-user").build().toByteArray();
    Outcome outcome = createUser(RawGrpcClient.frame(java.util.Arrays.copyOf(valid, valid.length - 3)));
    assertThat(outcome.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(outcome.reason()).contains("INVALID_ARGUMENT");
  }

  @Test
  void unaryCallWithoutAMessageIsInvalidArgument() throws Exception {
    for (byte[] body : List.of(new byte[0], new byte[] {0, 0, 0}, RawGrpcClient.frame(0, 100, new byte[] {0x0a, 0x01}))) {
      Outcome outcome = createUser(body);
      assertThat(outcome.code()).as("body of %s bytes", body.length).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(outcome.reason()).contains("INVALID_ARGUMENT");
      assertThat(violations(outcome)).extracting(BadRequest.FieldViolation::getField).containsExactly("request");
    }
  }

  @Test
  void reflectionQuestionThatDoesNotDecodeEndsWithInvalidArgument() {
    byte[] badHost = {0x0a, 0x01, (byte) 0xFF}; // field 1 (host): not UTF-8
    Outcome outcome = raw.call("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", List.of(),
        RawGrpcClient.frame(badHost), Duration.ofSeconds(10), false);
    assertThat(outcome.kind()).as(outcome.toString()).isEqualTo(Outcome.Kind.GRPC);
    assertThat(outcome.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void reportTimesOutsideTimestampRangeAreInvalidArgumentNamingTheField() {
    var reports = ReportServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    var failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> reports.getTenantSummary(
        GetTenantSummaryRequest.newBuilder().setEndTime(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)).build()));
    assertThat(failure.violations()).extracting(BadRequest.FieldViolation::getField).containsExactly("end_time");
    failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> reports.getUserReport(
        GetUserReportRequest.newBuilder().setUserId("anyone")
            .setStartTime(Timestamp.newBuilder().setSeconds(0).setNanos(-1)).build()));
    assertThat(failure.violations()).extracting(BadRequest.FieldViolation::getField).containsExactly("start_time");
  }
}
