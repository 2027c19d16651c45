package dev.mailgate.server.oauth;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.CompleteAuthorizationRequest;
import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.ConnectionStatus;
import dev.mailgate.proto.v1.GetUserRequest;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.StartAuthorizationRequest;
import dev.mailgate.proto.v1.StartAuthorizationResponse;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.Browser;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import io.grpc.Status;
import java.net.http.HttpResponse;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole connect flow for both providers, against a real OAuth2 server on loopback. */
class ConnectFlowTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  private static ConnectionServiceGrpc.ConnectionServiceBlockingStub acme;
  private static ConnectionServiceGrpc.ConnectionServiceBlockingStub globex;
  private final Browser browser = new Browser();

  @BeforeAll
  static void stubs() {
    acme = ConnectionServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    globex = ConnectionServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.globex());
  }

  private static String newUserId() {
    return "user-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static StartAuthorizationResponse start(String userId, Provider provider, String returnUrl) {
    return acme.startAuthorization(StartAuthorizationRequest.newBuilder()
        .setUserId(userId).setProvider(provider).setReturnUrl(returnUrl).setLoginHint(userId + "@example.com").build());
  }

  /** The provider signs the user in as {@code email} and sends the browser back with a code. */
  private String consent(String authorizationUrl, String issuer, String email) throws Exception {
    return browser.signIn(authorizationUrl, email);
  }

  @Test
  void gmailConnectsThroughTheHttpCallbackAndStoresOnlyCiphertexts() throws Exception {
    String userId = newUserId();
    StartAuthorizationResponse started = start(userId, Provider.PROVIDER_GMAIL, TestGateway.RETURN_URL);
    Map<String, String> params = Browser.query(started.getAuthorizationUrl());
    assertThat(params).containsEntry("response_type", "code").containsEntry("code_challenge_method", "S256")
        .containsEntry("access_type", "offline").containsEntry("prompt", "consent")
        .containsEntry("state", started.getState()).containsEntry("login_hint", userId + "@example.com")
        .containsKey("code_challenge").doesNotContainKey("code_verifier");
    assertThat(params.get("scope")).contains("https://www.googleapis.com/auth/gmail.modify")
        .contains("https://www.googleapis.com/auth/gmail.send").contains("email");
    assertThat(started.getExpireTime().getSeconds() - System.currentTimeMillis() / 1000).isBetween(540L, 600L);
    // StartAuthorization created the unknown user.
    assertThat(UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .getUser(GetUserRequest.newBuilder().setUserId(userId).build()).getUserId()).isEqualTo(userId);

    String callback = consent(started.getAuthorizationUrl(), "google", userId + "@gmail.test");
    assertThat(callback).startsWith("http://127.0.0.1:" + gateway.get().port() + "/oauth2/callback?");
    String back = browser.redirectOf(callback);
    assertThat(back).startsWith(TestGateway.RETURN_URL + "?");
    Map<String, String> result = Browser.query(back);
    assertThat(result).containsEntry("status", "ACTIVE");

    Connection connection = acme.listConnections(ListConnectionsRequest.newBuilder().setUserId(userId).build())
        .getConnections(0);
    assertThat(connection.getConnectionId()).isEqualTo(result.get("connection_id"));
    assertThat(connection.getProvider()).isEqualTo(Provider.PROVIDER_GMAIL);
    assertThat(connection.getStatus()).isEqualTo(ConnectionStatus.CONNECTION_STATUS_ACTIVE);
    assertThat(connection.getEmailAddress()).isEqualTo(userId + "@gmail.test");

    try (var db = TestPostgres.get().jdbc(gateway.get().database("acme"));
        ResultSet row = db.createStatement().executeQuery(
            "SELECT access_token, refresh_token FROM connections WHERE id = '" + connection.getConnectionId() + "'")) {
      row.next();
      for (String column : new String[] {"access_token", "refresh_token"}) {
        byte[] stored = row.getBytes(column);
        assertThat(stored).as(column).isNotEmpty();
        assertThat(stored[0]).as("Tink output prefix").isEqualTo((byte) 1);
        assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("eyJ");
      }
    }
  }

  @Test
  void outlookConnectsThroughCompleteAuthorizationWithOfflineAccess() throws Exception {
    String userId = newUserId();
    StartAuthorizationResponse started = start(userId, Provider.PROVIDER_OUTLOOK, "");
    assertThat(Browser.query(started.getAuthorizationUrl()).get("scope").split(" "))
        .contains("Mail.ReadWrite", "Mail.Send", "User.Read", "offline_access");
    Map<String, String> callback = Browser.query(consent(started.getAuthorizationUrl(), "microsoft", userId + "@outlook.test"));

    Connection connection = acme.completeAuthorization(CompleteAuthorizationRequest.newBuilder()
        .setState(callback.get("state")).setCode(callback.get("code")).build());
    assertThat(connection.getProvider()).isEqualTo(Provider.PROVIDER_OUTLOOK);
    assertThat(connection.getEmailAddress()).isEqualTo(userId + "@outlook.test");
    assertThat(connection.getUserId()).isEqualTo(userId);
    assertThat(connection.getStatus()).isEqualTo(ConnectionStatus.CONNECTION_STATUS_ACTIVE);
  }

  @Test
  void callbackWithoutReturnUrlShowsAPage() throws Exception {
    String userId = newUserId();
    StartAuthorizationResponse started = start(userId, Provider.PROVIDER_GMAIL, "");
    HttpResponse<String> page = browser.get(consent(started.getAuthorizationUrl(), "google", userId + "@gmail.test"));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
    assertThat(page.body()).contains("Mailbox connected").contains(userId + "@gmail.test");
  }

  @Test
  void replayedStateIsRefusedAndCreatesNothing() throws Exception {
    String userId = newUserId();
    StartAuthorizationResponse started = start(userId, Provider.PROVIDER_GMAIL, TestGateway.RETURN_URL);
    String callback = consent(started.getAuthorizationUrl(), "google", userId + "@gmail.test");
    browser.redirectOf(callback);

    HttpResponse<String> replay = browser.get(callback);
    assertThat(replay.statusCode()).isEqualTo(400);
    assertThat(replay.body()).contains("not valid");
    Map<String, String> params = Browser.query(callback);
    assertFails(Status.Code.FAILED_PRECONDITION, "AUTHORIZATION_STATE_INVALID", () -> acme.completeAuthorization(
        CompleteAuthorizationRequest.newBuilder().setState(params.get("state")).setCode(params.get("code")).build()));
    assertThat(acme.listConnections(ListConnectionsRequest.newBuilder().setUserId(userId).build()).getConnectionsCount())
        .isEqualTo(1);
  }

  @Test
  void expiredStateIsRefusedAndCreatesNothing() throws Exception {
    String userId = newUserId();
    StartAuthorizationResponse started = start(userId, Provider.PROVIDER_GMAIL, "");
    Map<String, String> params = Browser.query(consent(started.getAuthorizationUrl(), "google", userId + "@gmail.test"));
    try (var db = TestPostgres.get().jdbc(gateway.get().database("acme"))) {
      db.createStatement().executeUpdate("UPDATE oauth_states SET expire_time = now() - interval '1 second'");
    }
    assertFails(Status.Code.FAILED_PRECONDITION, "AUTHORIZATION_STATE_INVALID", () -> acme.completeAuthorization(
        CompleteAuthorizationRequest.newBuilder().setState(params.get("state")).setCode(params.get("code")).build()));
    assertThat(acme.listConnections(ListConnectionsRequest.newBuilder().setUserId(userId).build()).getConnectionsCount())
        .isZero();
  }

  @Test
  void stateOfAnotherTenantIsRefusedWithoutConsumingIt() throws Exception {
    String userId = newUserId();
    StartAuthorizationResponse started = start(userId, Provider.PROVIDER_GMAIL, "");
    Map<String, String> params = Browser.query(consent(started.getAuthorizationUrl(), "google", userId + "@gmail.test"));
    CompleteAuthorizationRequest request =
        CompleteAuthorizationRequest.newBuilder().setState(params.get("state")).setCode(params.get("code")).build();
    assertFails(Status.Code.FAILED_PRECONDITION, "AUTHORIZATION_STATE_INVALID", () -> globex.completeAuthorization(request));
    assertThat(acme.completeAuthorization(request).getStatus()).isEqualTo(ConnectionStatus.CONNECTION_STATUS_ACTIVE);
  }

  @Test
  void returnUrlNotOnTheAllowListIsInvalid() {
    Failure failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT",
        () -> start(newUserId(), Provider.PROVIDER_GMAIL, "https://evil.example.net/connected"));
    assertThat(failure.violations()).extracting(v -> v.getField()).containsExactly("return_url");
  }

  @Test
  void codeOfOneAuthorizationDoesNotCompleteAnother() throws Exception {
    String userId = newUserId();
    StartAuthorizationResponse first = start(userId, Provider.PROVIDER_GMAIL, "");
    StartAuthorizationResponse second = start(userId, Provider.PROVIDER_GMAIL, "");
    Map<String, String> firstCallback = Browser.query(consent(first.getAuthorizationUrl(), "google", userId + "@gmail.test"));
    // The code was bound to the first PKCE challenge; the second state's verifier does not match it.
    assertFails(Status.Code.FAILED_PRECONDITION, "AUTHORIZATION_STATE_INVALID", () -> acme.completeAuthorization(
        CompleteAuthorizationRequest.newBuilder().setState(second.getState()).setCode(firstCallback.get("code")).build()));
    assertThat(acme.listConnections(ListConnectionsRequest.newBuilder().setUserId(userId).build()).getConnectionsCount())
        .isZero();
  }

  @Test
  void connectingTheSameAddressAgainUpdatesTheConnection() throws Exception {
    String userId = newUserId();
    String firstId = null;
    for (int i = 0; i < 2; i++) {
      StartAuthorizationResponse started = start(userId, Provider.PROVIDER_GMAIL, "");
      Map<String, String> params = Browser.query(consent(started.getAuthorizationUrl(), "google", userId + "@gmail.test"));
      Connection connection = acme.completeAuthorization(CompleteAuthorizationRequest.newBuilder()
          .setState(params.get("state")).setCode(params.get("code")).build());
      firstId = firstId == null ? connection.getConnectionId() : firstId;
      assertThat(connection.getConnectionId()).isEqualTo(firstId);
    }
    assertThat(acme.listConnections(ListConnectionsRequest.newBuilder().setUserId(userId).build()).getConnectionsCount())
        .isEqualTo(1);
  }
}
