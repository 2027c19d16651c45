package dev.mailgate.server.auth;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static dev.mailgate.server.testing.TestGateway.ACME_KEY;
import static dev.mailgate.server.testing.TestGateway.GLOBEX_KEY;
import static dev.mailgate.server.testing.TestGateway.as;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.GetUserRequest;
import dev.mailgate.proto.v1.ListUsersRequest;
import dev.mailgate.proto.v1.SearchMessagesRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuthenticationTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  private static UserServiceGrpc.UserServiceBlockingStub users(ClientInterceptor... interceptors) {
    return UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(interceptors);
  }

  private static final ListUsersRequest LIST = ListUsersRequest.getDefaultInstance();

  @Test
  void missingTenantIsTenantMissing() {
    assertFails(Status.Code.UNAUTHENTICATED, "TENANT_MISSING", () -> users(as(null, ACME_KEY)).listUsers(LIST));
  }

  @Test
  void missingKeyIsApiKeyMissing() {
    assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_MISSING", () -> users(as("acme", null)).listUsers(LIST));
  }

  @Test
  void nonBearerAuthorizationIsApiKeyMissing() {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("x-tenant-id", Metadata.ASCII_STRING_MARSHALLER), "acme");
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Basic " + ACME_KEY);
    assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_MISSING",
        () -> users(MetadataUtils.newAttachHeadersInterceptor(headers)).listUsers(LIST));
  }

  @Test
  void unknownTenantAndWrongKeyGiveTheSameAnswer() {
    Failure wrongKey = assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_INVALID",
        () -> users(as("acme", "mgk_not_a_key")).listUsers(LIST));
    Failure unknownTenant = assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_INVALID",
        () -> users(as("initech", ACME_KEY)).listUsers(LIST));
    Failure malformedTenant = assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_INVALID",
        () -> users(as("ACME/../globex", ACME_KEY)).listUsers(LIST));
    assertThat(unknownTenant.message()).isEqualTo(wrongKey.message()).isEqualTo(malformedTenant.message());
  }

  @Test
  void keyOfOneTenantDoesNotOpenAnother() {
    assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_INVALID", () -> users(as("globex", ACME_KEY)).listUsers(LIST));
    assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_INVALID", () -> users(as("acme", GLOBEX_KEY)).listUsers(LIST));
  }

  @Test
  void aRememberedKeyOpensOnlyItsOwnTenantAndOnlyWhenExact() {
    for (int i = 0; i < 3; i++) {
      assertThat(users(as("acme", ACME_KEY)).listUsers(LIST)).isNotNull();
    }
    assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_INVALID", () -> users(as("globex", ACME_KEY)).listUsers(LIST));
    assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_INVALID", () -> users(as("acme", ACME_KEY + "x")).listUsers(LIST));
    assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_INVALID",
        () -> users(as("acme", ACME_KEY.substring(0, ACME_KEY.length() - 1))).listUsers(LIST));
  }

  @Test
  void authenticationComesBeforeValidationAndWritesNothing() {
    assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_INVALID",
        () -> users(as("acme", "wrong")).createUser(CreateUserRequest.newBuilder().setUserId("sneaky").build()));
    assertFails(Status.Code.NOT_FOUND, "USER_NOT_FOUND",
        () -> users(TestGateway.acme()).getUser(GetUserRequest.newBuilder().setUserId("sneaky").build()));
    assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_MISSING",
        () -> users(as("acme", null)).createUser(CreateUserRequest.getDefaultInstance()));
  }

  @Test
  void notYetImplementedMethodsStillRequireAKey() {
    assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_INVALID",
        () -> MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(as("acme", "nope"))
            .searchMessages(SearchMessagesRequest.getDefaultInstance()));
  }

  @Test
  void requestIdIsEchoedOnSuccessAndFailure() {
    Metadata.Key<String> requestId = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
    Metadata sent = new Metadata();
    sent.put(requestId, "req-42.a");
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    users(TestGateway.acme(), MetadataUtils.newAttachHeadersInterceptor(sent),
        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers)).listUsers(LIST);
    assertThat(headers.get().get(requestId)).isEqualTo("req-42.a");

    Failure failure = assertFails(Status.Code.UNAUTHENTICATED, "API_KEY_INVALID",
        () -> users(as("acme", "wrong"), MetadataUtils.newAttachHeadersInterceptor(sent)).listUsers(LIST));
    assertThat(failure.trailers().get(requestId)).isEqualTo("req-42.a");
  }

  @Test
  void missingRequestIdGetsAGeneratedOne() {
    Metadata.Key<String> requestId = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    users(TestGateway.acme(), MetadataUtils.newCaptureMetadataInterceptor(headers, trailers)).listUsers(LIST);
    assertThat(headers.get().get(requestId)).matches("[0-9a-f-]{36}");
  }
}
