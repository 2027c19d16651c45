package dev.mailgate.server.api;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.mailgate.proto.v1.GetUserRequest;
import dev.mailgate.proto.v1.ListUsersRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.AccessLines;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code --access-log errors}: failed calls get their line, successful ones none. */
class AccessLogTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(),
      options -> options.withAccessLog(AccessLog.ERRORS));

  @Test
  void onlyFailedCallsAreLoggedWhenTheGatewayKeepsErrors() throws Exception {
    try (AccessLines lines = new AccessLines()) {
      var users = UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
      users.listUsers(ListUsersRequest.getDefaultInstance());
      assertFails(Status.Code.NOT_FOUND, "USER_NOT_FOUND",
          () -> users.getUser(GetUserRequest.newBuilder().setUserId("nobody-here").build()));
      assertThat(lines.atLeast(1)).extracting(ILoggingEvent::getFormattedMessage)
          .singleElement().asString().contains("rpc=mailgate.v1.UserService/GetUser").contains("status=NOT_FOUND")
          .endsWith(" reason=USER_NOT_FOUND");
    }
  }

  @Test
  void unauthenticatedCallsCarryTheirReasonToo() throws Exception {
    try (AccessLines lines = new AccessLines()) {
      var stranger = UserServiceGrpc.newBlockingStub(gateway.get().channel())
          .withInterceptors(TestGateway.as("acme", "mgk_wrong_key"));
      assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_INVALID",
          () -> stranger.listUsers(ListUsersRequest.getDefaultInstance()));
      assertThat(lines.atLeast(1)).extracting(ILoggingEvent::getFormattedMessage)
          .singleElement().asString().contains("tenant=-").contains("status=UNAUTHENTICATED")
          .endsWith(" reason=API_KEY_INVALID");
    }
  }

  @Test
  void policiesParseFromTheCommandLine() {
    assertThat(AccessLog.parse("Errors")).isEqualTo(AccessLog.ERRORS);
    assertThat(AccessLog.ERRORS.logs(io.vertx.grpc.common.GrpcStatus.OK)).isFalse();
    assertThat(AccessLog.ALL.logs(io.vertx.grpc.common.GrpcStatus.OK)).isTrue();
    assertThat(AccessLog.OFF.logs(io.vertx.grpc.common.GrpcStatus.INTERNAL)).isFalse();
  }
}
