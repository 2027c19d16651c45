package dev.mailgate.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mailgate.proto.v1.CheckConnectionRequest;
import dev.mailgate.proto.v1.CheckConnectionResponse;
import dev.mailgate.proto.v1.CompleteAuthorizationRequest;
import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.ConnectionStatus;
import dev.mailgate.proto.v1.DeleteConnectionRequest;
import dev.mailgate.proto.v1.DeleteUserRequest;
import dev.mailgate.proto.v1.GetConnectionRequest;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.StartAuthorizationRequest;
import dev.mailgate.proto.v1.StartAuthorizationResponse;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.crypto.SecretField;
import dev.mailgate.server.crypto.TenantKeysets;
import dev.mailgate.server.crypto.TokenCipher;
import dev.mailgate.server.testing.Browser;
import dev.mailgate.server.testing.Answers;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** Refresh, re-authorization, revocation and log hygiene, through the gRPC API. */
class TokenLifecycleTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeEach
  void captureLogs() {
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
  }

  private static ConnectionServiceGrpc.ConnectionServiceBlockingStub connections(ManagedChannel channel) {
    return ConnectionServiceGrpc.newBlockingStub(channel).withInterceptors(TestGateway.acme());
  }

  private static ConnectionServiceGrpc.ConnectionServiceBlockingStub acme() {
    return connections(gateway.get().channel());
  }

  /** Connects a mailbox end to end and returns the connection. */
  private static Connection connect(String userId, Provider provider, String email) throws Exception {
    StartAuthorizationResponse started = acme().startAuthorization(StartAuthorizationRequest.newBuilder()
        .setUserId(userId).setProvider(provider).build());
    Map<String, String> callback = Browser.query(new Browser().signIn(started.getAuthorizationUrl(), email));
    return acme().completeAuthorization(CompleteAuthorizationRequest.newBuilder()
        .setState(callback.get("state")).setCode(callback.get("code")).build());
  }

  private static String newUserId() {
    return "user-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static CheckConnectionRequest check(Connection connection) {
    return CheckConnectionRequest.newBuilder()
        .setUserId(connection.getUserId()).setConnectionId(connection.getConnectionId()).build();
  }

  /** The sum of the samples of {@code name} in the gateway's metrics whose labels include {@code label}. */
  private static double metric(String name, String label) {
    return gateway.get().server().metrics().scrape().lines()
        .filter(line -> (line.startsWith(name + "{") || line.startsWith(name + " ")) && line.contains(label))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  private static void expireAccessToken(Connection connection) throws Exception {
    sql("UPDATE connections SET access_token_expire_time = now() - interval '1 minute' WHERE id = ?::uuid",
        connection.getConnectionId());
  }

  private static void sql(String statement, String connectionId) throws Exception {
    try (var db = TestPostgres.get().jdbc(gateway.get().database("acme"));
        PreparedStatement update = db.prepareStatement(statement)) {
      update.setString(1, connectionId);
      update.executeUpdate();
    }
  }

  private static byte[] stored(Connection connection, String column) throws Exception {
    try (var db = TestPostgres.get().jdbc(gateway.get().database("acme"));
        PreparedStatement query = db.prepareStatement("SELECT " + column + " FROM connections WHERE id = ?::uuid")) {
      query.setString(1, connection.getConnectionId());
      try (ResultSet row = query.executeQuery()) {
        row.next();
        return row.getBytes(1);
      }
    }
  }

  private static TokenCipher cipher() {
    return TestGateway.await(gateway.get().server().tenants().find("acme").orElseThrow().cipher());
  }

  /** Every request the OAuth server received since the last drain. */
  private static List<RecordedRequest> drainOAuthRequests() {
    List<RecordedRequest> requests = new ArrayList<>();
    while (true) {
      try {
        requests.add(gateway.get().providers().oauthServer().takeRequest(200, TimeUnit.MILLISECONDS));
      } catch (RuntimeException none) {
        return requests;
      }
    }
  }

  private static long refreshRequests(List<RecordedRequest> requests) {
    return requests.stream()
        .filter(r -> r.getPath().endsWith("/token") && r.getBody().clone().readUtf8().contains("grant_type=refresh_token"))
        .count();
  }

  /** Fires {@code count} CheckConnection calls at once on a channel and waits for all answers. */
  private static List<CompletableFuture<CheckConnectionResponse>> concurrentChecks(ManagedChannel channel,
      Connection connection, int count) {
    var stub = ConnectionServiceGrpc.newStub(channel).withInterceptors(TestGateway.acme());
    List<CompletableFuture<CheckConnectionResponse>> answers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      CompletableFuture<CheckConnectionResponse> answer = Answers.of(observer -> stub.checkConnection(check(connection), observer));
      answers.add(answer);
    }
    return answers;
  }

  @Test
  void fiftyConcurrentCallsShareOneRefresh() throws Exception {
    Connection connection = connect(newUserId(), Provider.PROVIDER_GMAIL, "fifty@gmail.test");
    expireAccessToken(connection);
    byte[] before = stored(connection, "access_token");
    drainOAuthRequests();

    var answers = concurrentChecks(gateway.get().channel(), connection, 50);
    CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    for (var answer : answers) {
      assertThat(answer.get().getValid()).isTrue();
      assertThat(answer.get().getEmailAddress()).isEqualTo("fifty@gmail.test");
    }
    assertThat(refreshRequests(drainOAuthRequests())).isEqualTo(1);
    assertThat(stored(connection, "access_token")).isNotEqualTo(before);
  }

  @Test
  void twoGatewaysOnOneDatabaseShareOneRefresh() throws Exception {
    Connection connection = connect(newUserId(), Provider.PROVIDER_GMAIL, "two@gmail.test");
    expireAccessToken(connection);
    drainOAuthRequests();
    try (TestGateway.Sibling sibling = gateway.get().startSibling()) {
      List<CompletableFuture<CheckConnectionResponse>> answers = new ArrayList<>();
      answers.addAll(concurrentChecks(gateway.get().channel(), connection, 25));
      answers.addAll(concurrentChecks(sibling.channel(), connection, 25));
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      for (var answer : answers) {
        assertThat(answer.get().getValid()).isTrue();
      }
    }
    assertThat(refreshRequests(drainOAuthRequests())).isEqualTo(1);
  }

  @Test
  void rotatedRefreshTokensAreSavedSoTheNextRefreshWorks() throws Exception {
    Connection connection = connect(newUserId(), Provider.PROVIDER_OUTLOOK, "rotate@outlook.test");
    byte[] firstRefresh = stored(connection, "refresh_token");
    for (int i = 0; i < 2; i++) {
      expireAccessToken(connection);
      assertThat(acme().checkConnection(check(connection)).getValid()).isTrue();
    }
    assertThat(stored(connection, "refresh_token")).isNotEqualTo(firstRefresh);
  }

  @Test
  void providerRefusingTheTokenGetsOneRefreshAndRetry() throws Exception {
    Connection connection = connect(newUserId(), Provider.PROVIDER_GMAIL, "retry@gmail.test");
    drainOAuthRequests();
    gateway.get().providers().sandbox().gmail().failNext(1, 401, "authError");
    assertThat(acme().checkConnection(check(connection)).getValid()).isTrue();
    assertThat(refreshRequests(drainOAuthRequests())).isEqualTo(1);
  }

  @Test
  void invalidGrantMarksNeedsReauthAndStopsCallingTheProvider() throws Exception {
    Connection connection = connect(newUserId(), Provider.PROVIDER_GMAIL, "revoked@gmail.test");
    UUID id = UUID.fromString(connection.getConnectionId());
    // The provider no longer knows this refresh token (the user revoked access at Google).
    try (var db = TestPostgres.get().jdbc(gateway.get().database("acme"));
        PreparedStatement update = db.prepareStatement("UPDATE connections SET refresh_token = ? WHERE id = ?::uuid")) {
      update.setBytes(1, cipher().encrypt(id, SecretField.REFRESH_TOKEN, "revoked-" + UUID.randomUUID()));
      update.setString(2, connection.getConnectionId());
      update.executeUpdate();
    }
    expireAccessToken(connection);
    drainOAuthRequests();
    double refusedBefore = metric("mailgate_token_refreshes_total", "outcome=\"invalid_grant\"");
    double stateEventsBefore = metric("mailgate_events_written_total", "type=\"CONNECTION_STATE_CHANGED\"");

    CheckConnectionResponse first = acme().checkConnection(check(connection));
    assertThat(first.getValid()).isFalse();
    assertThat(first.getNeedsReauth()).isTrue();
    assertThat(first.getStatus()).isEqualTo(ConnectionStatus.CONNECTION_STATUS_NEEDS_REAUTH);
    assertThat(refreshRequests(drainOAuthRequests())).isEqualTo(1);
    // Metrics: one refresh refused, one connection state event written.
    assertThat(metric("mailgate_token_refreshes_total", "outcome=\"invalid_grant\"")).isEqualTo(refusedBefore + 1);
    assertThat(metric("mailgate_events_written_total", "type=\"CONNECTION_STATE_CHANGED\""))
        .isEqualTo(stateEventsBefore + 1);
    assertThat(acme().getConnection(GetConnectionRequest.newBuilder().setUserId(connection.getUserId())
        .setConnectionId(connection.getConnectionId()).build()).getStatus())
        .isEqualTo(ConnectionStatus.CONNECTION_STATUS_NEEDS_REAUTH);

    int sandboxCalls = gateway.get().providers().sandbox().gmail().calls("GET", "/profile");
    assertThat(acme().checkConnection(check(connection)).getNeedsReauth()).isTrue();
    assertThat(drainOAuthRequests()).isEmpty();
    assertThat(gateway.get().providers().sandbox().gmail().calls("GET", "/profile")).isEqualTo(sandboxCalls);
    assertThat(stored(connection, "access_token")).isNull();
    assertThat(stored(connection, "refresh_token")).isNull();
  }

  @Test
  void ciphertextCopiedFromAnotherConnectionIsUnusable() throws Exception {
    String userId = newUserId();
    Connection mine = connect(userId, Provider.PROVIDER_GMAIL, "mine@gmail.test");
    Connection other = connect(userId, Provider.PROVIDER_GMAIL, "other@gmail.test");
    try (var db = TestPostgres.get().jdbc(gateway.get().database("acme"));
        PreparedStatement copy = db.prepareStatement(
            "UPDATE connections SET access_token = (SELECT access_token FROM connections WHERE id = ?::uuid) WHERE id = ?::uuid")) {
      copy.setString(1, other.getConnectionId());
      copy.setString(2, mine.getConnectionId());
      copy.executeUpdate();
    }
    int sandboxCalls = gateway.get().providers().sandbox().gmail().calls("GET", "/profile");
    // The copied ciphertext does not decrypt for this connection: it needs re-authorization (not INTERNAL).
    var checked = acme().checkConnection(check(mine));
    assertThat(checked.getValid()).isFalse();
    assertThat(checked.getNeedsReauth()).isTrue();
    assertThat(gateway.get().providers().sandbox().gmail().calls("GET", "/profile")).isEqualTo(sandboxCalls);
    assertThat(acme().checkConnection(check(other)).getValid()).isTrue();
  }

  @Test
  void keyRotationKeepsOldTokensReadableAndRunningGatewaysPickUpTheNewKey() throws Exception {
    String userId = newUserId();
    Connection rewritten = connect(userId, Provider.PROVIDER_GMAIL, "rotated@gmail.test");
    Connection untouched = connect(userId, Provider.PROVIDER_GMAIL, "old-key@gmail.test");
    UUID id = UUID.fromString(rewritten.getConnectionId());
    String access = cipher().decrypt(id, SecretField.ACCESS_TOKEN, stored(rewritten, "access_token"));

    // What `mailgate keys rotate` and `keys reencrypt` do, from another process.
    var tenant = gateway.get().server().tenants().find("acme").orElseThrow().config();
    var keysets = new TenantKeysets(gateway.get().options().masterKey(), gateway.get().options().keysetDirectory());
    keysets.rotate(tenant);
    TokenCipher rotated = TokenCipher.of("acme", keysets.loadOrCreate(tenant));
    byte[] reencrypted = rotated.encrypt(id, SecretField.ACCESS_TOKEN, access);
    assertThat(cipher().isCurrent(reencrypted)).isFalse();
    try (var db = TestPostgres.get().jdbc(gateway.get().database("acme"));
        PreparedStatement update = db.prepareStatement("UPDATE connections SET access_token = ? WHERE id = ?::uuid")) {
      update.setBytes(1, reencrypted);
      update.setString(2, rewritten.getConnectionId());
      update.executeUpdate();
    }

    assertThat(acme().checkConnection(check(rewritten)).getValid()).isTrue();
    assertThat(acme().checkConnection(check(untouched)).getValid()).isTrue();
    assertThat(rotated.isCurrent(stored(untouched, "access_token"))).isFalse();
  }

  @Test
  void deleteWithRevokeRevokesAtGoogleAndKeepsOtherConnections() throws Exception {
    String userId = newUserId();
    Connection gmail = connect(userId, Provider.PROVIDER_GMAIL, "bye@gmail.test");
    Connection outlook = connect(userId, Provider.PROVIDER_OUTLOOK, "stay@outlook.test");
    drainOAuthRequests();
    acme().deleteConnection(DeleteConnectionRequest.newBuilder().setUserId(userId)
        .setConnectionId(gmail.getConnectionId()).setRevokeProviderAccess(true).build());
    List<RecordedRequest> requests = drainOAuthRequests();
    assertThat(requests).singleElement().satisfies(r -> {
      assertThat(r.getPath()).isEqualTo("/google/revoke");
      assertThat(r.getBody().clone().readUtf8()).contains("token_type_hint=refresh_token");
    });
    assertThat(acme().getConnection(GetConnectionRequest.newBuilder().setUserId(userId)
        .setConnectionId(outlook.getConnectionId()).build()).getStatus()).isEqualTo(ConnectionStatus.CONNECTION_STATUS_ACTIVE);

    // Microsoft has no revocation endpoint: deleting only forgets the tokens here.
    acme().deleteConnection(DeleteConnectionRequest.newBuilder().setUserId(userId)
        .setConnectionId(outlook.getConnectionId()).setRevokeProviderAccess(true).build());
    assertThat(drainOAuthRequests()).isEmpty();
  }

  @Test
  void deleteUserRevokesEveryGrant() throws Exception {
    String userId = newUserId();
    connect(userId, Provider.PROVIDER_GMAIL, "a@gmail.test");
    connect(userId, Provider.PROVIDER_GMAIL, "b@gmail.test");
    drainOAuthRequests();
    UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .deleteUser(DeleteUserRequest.newBuilder().setUserId(userId).build());
    assertThat(drainOAuthRequests()).extracting(RecordedRequest::getPath).containsExactly("/google/revoke", "/google/revoke");
  }

  @Test
  void noTokenEverReachesALogLine() throws Exception {
    Connection connection = connect(newUserId(), Provider.PROVIDER_GMAIL, "quiet@gmail.test");
    expireAccessToken(connection);
    acme().checkConnection(check(connection));
    UUID id = UUID.fromString(connection.getConnectionId());
    String access = cipher().decrypt(id, SecretField.ACCESS_TOKEN, stored(connection, "access_token"));
    String refresh = cipher().decrypt(id, SecretField.REFRESH_TOKEN, stored(connection, "refresh_token"));
    assertThat(logs.list).isNotEmpty();
    for (ILoggingEvent event : logs.list) {
      assertThat(event.getFormattedMessage()).doesNotContain(access).doesNotContain(refresh)
          .doesNotContain(TestGateway.ACME_KEY).doesNotContain("test-client-secret");
    }
  }
}
