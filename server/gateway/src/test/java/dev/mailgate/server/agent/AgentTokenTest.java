package dev.mailgate.server.agent;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import dev.mailgate.proto.v1.AgentAccessServiceGrpc;
import dev.mailgate.proto.v1.AgentScope;
import dev.mailgate.proto.v1.AgentToken;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.CreateAgentTokenRequest;
import dev.mailgate.proto.v1.CreateAgentTokenResponse;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.EmailAddress;
import dev.mailgate.proto.v1.GetConnectionRequest;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.ListUsersRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MessageContent;
import dev.mailgate.proto.v1.RevokeAgentTokenRequest;
import dev.mailgate.proto.v1.SendMessageRequest;
import dev.mailgate.proto.v1.TrashMessageRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ConnectionStatus;
import dev.mailgate.server.store.ConnectionStore;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Agent tokens through the public gRPC surface: minted and revoked with the tenant's API key, then
 * used as the only credential ({@code authorization: Bearer mga_...}, no {@code x-tenant-id}).
 */
class AgentTokenTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();
  private static AgentAccessServiceGrpc.AgentAccessServiceBlockingStub agentAccess;
  private static UserServiceGrpc.UserServiceBlockingStub users;

  @BeforeAll
  static void stubs() {
    agentAccess = AgentAccessServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    users = UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
  }

  private static String newUser(String prefix) {
    String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    users.createUser(CreateUserRequest.newBuilder().setUserId(id).build());
    return id;
  }

  private static String connect(String userId, String email) {
    ConnectionRecord record = gateway.get().onTenantData("acme", db -> new ConnectionStore().insert(db, userId,
        ProviderKind.GMAIL, email, List.of("gmail.modify"), ConnectionStatus.ACTIVE));
    return record.id().toString();
  }

  private static CreateAgentTokenResponse mint(String userId, List<String> connections, AgentScope... scopes) {
    return agentAccess.createAgentToken(CreateAgentTokenRequest.newBuilder().setUserId(userId)
        .addAllConnectionIds(connections).addAllScopes(List.of(scopes)).build());
  }

  private static ConnectionServiceGrpc.ConnectionServiceBlockingStub connectionsAs(String token) {
    return ConnectionServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.as(null, token));
  }

  private static MailServiceGrpc.MailServiceBlockingStub mailAs(String token) {
    return MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.as(null, token));
  }

  private static GetConnectionRequest get(String userId, String connectionId) {
    return GetConnectionRequest.newBuilder().setUserId(userId).setConnectionId(connectionId).build();
  }

  @Test
  void tokenNamesItsTenantAndOnlyItsHashIsStored() {
    String alice = newUser("alice");
    CreateAgentTokenResponse created = mint(alice, List.of(), AgentScope.AGENT_SCOPE_READ);
    assertThat(created.getToken()).startsWith("mga_acme_").hasSize("mga_acme_".length() + 43);
    AgentToken described = created.getAgentToken();
    assertThat(described.getUserId()).isEqualTo(alice);
    assertThat(described.getScopesList()).containsExactly(AgentScope.AGENT_SCOPE_READ);
    assertThat(described.getExpireTime().getSeconds() - described.getCreateTime().getSeconds()).isBetween(3590L, 3610L);

    List<Row> rows = gateway.get().onTenantData("acme", db -> db.preparedQuery(
            "SELECT * FROM {schema}.agent_tokens WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(described.getAgentTokenId()))).map(set -> {
          List<Row> all = new ArrayList<>();
          set.forEach(all::add);
          return all;
        }));
    assertThat(rows).hasSize(1);
    Row row = rows.get(0);
    assertThat(row.getBuffer("token_sha256").getBytes()).isEqualTo(AgentTokenFormat.sha256(created.getToken()));
    for (int i = 0; i < row.size(); i++) {
      assertThat(String.valueOf(row.getValue(i))).doesNotContain(created.getToken().substring("mga_acme_".length()));
    }
  }

  @Test
  void tokenActsForItsUserWithoutTenantMetadata() {
    String alice = newUser("alice");
    String id = connect(alice, "alice@example.com");
    String token = mint(alice, List.of(), AgentScope.AGENT_SCOPE_READ).getToken();
    assertThat(connectionsAs(token).getConnection(get(alice, id)).getEmailAddress()).isEqualTo("alice@example.com");
    assertThat(connectionsAs(token).listConnections(ListConnectionsRequest.newBuilder().setUserId(alice).build())
        .getConnectionsList()).extracting(c -> c.getConnectionId()).containsExactly(id);
  }

  @Test
  void anotherUsersConnectionIsNotFoundExactlyLikeAMissingOne() {
    String alice = newUser("alice");
    String bob = newUser("bob");
    String bobs = connect(bob, "bob@example.com");
    String token = mint(alice, List.of(), AgentScope.AGENT_SCOPE_READ, AgentScope.AGENT_SCOPE_SEND).getToken();

    Failure asAlice = assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND",
        () -> connectionsAs(token).getConnection(get(alice, bobs)));
    Failure asBob = assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND",
        () -> connectionsAs(token).getConnection(get(bob, bobs)));
    Failure missing = assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND",
        () -> connectionsAs(token).getConnection(get(alice, UUID.randomUUID().toString())));
    assertThat(List.of(asBob.message(), missing.message())).containsOnly(asAlice.message());
    assertFails(Status.Code.NOT_FOUND, "USER_NOT_FOUND", () -> connectionsAs(token).listConnections(
        ListConnectionsRequest.newBuilder().setUserId(bob).build()));
    assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> mailAs(token).sendMessage(send(bob, bobs)));
  }

  @Test
  void tokenLimitedToSomeConnectionsSeesOnlyThose() {
    String alice = newUser("alice");
    String work = connect(alice, "alice@work.example");
    String home = connect(alice, "alice@home.example");
    String token = mint(alice, List.of(work), AgentScope.AGENT_SCOPE_READ).getToken();
    assertThat(connectionsAs(token).listConnections(ListConnectionsRequest.newBuilder().setUserId(alice).build())
        .getConnectionsList()).extracting(c -> c.getConnectionId()).containsExactly(work);
    assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> connectionsAs(token).getConnection(get(alice, home)));
    assertThat(connectionsAs(token).getConnection(get(alice, work)).getConnectionId()).isEqualTo(work);
  }

  @Test
  void methodsOutsideTheScopesArePermissionDenied() {
    String alice = newUser("alice");
    String id = connect(alice, "alice@example.com");
    String readOnly = mint(alice, List.of(), AgentScope.AGENT_SCOPE_READ).getToken();
    Failure send = assertFails(Status.Code.PERMISSION_DENIED, "AGENT_SCOPE_MISSING",
        () -> mailAs(readOnly).sendMessage(send(alice, id)));
    assertThat(send.message()).contains("send");
    assertFails(Status.Code.PERMISSION_DENIED, "AGENT_SCOPE_MISSING", () -> mailAs(readOnly).trashMessage(
        TrashMessageRequest.newBuilder().setUserId(alice).setConnectionId(id).setMessageId("m1").build()));
    Long claimed = gateway.get().onTenantData("acme", db -> db.preparedQuery(
        "SELECT count(*) FROM {schema}.send_requests").execute().map(r -> r.iterator().next().getLong(0)));
    assertThat(claimed).isZero();
  }

  @Test
  void adminMethodsAreRefusedWhateverTheScopes() {
    String alice = newUser("alice");
    String token = mint(alice, List.of(), AgentScope.AGENT_SCOPE_READ, AgentScope.AGENT_SCOPE_MODIFY,
        AgentScope.AGENT_SCOPE_DRAFT, AgentScope.AGENT_SCOPE_SEND).getToken();
    assertFails(Status.Code.PERMISSION_DENIED, "AGENT_METHOD_NOT_ALLOWED", () -> UserServiceGrpc
        .newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.as(null, token))
        .listUsers(ListUsersRequest.getDefaultInstance()));
    assertFails(Status.Code.PERMISSION_DENIED, "AGENT_METHOD_NOT_ALLOWED", () -> AgentAccessServiceGrpc
        .newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.as(null, token))
        .createAgentToken(CreateAgentTokenRequest.newBuilder().setUserId(alice)
            .addScopes(AgentScope.AGENT_SCOPE_SEND).build()));
  }

  @Test
  void revokedTokenIsRefusedAtTheNextCall() {
    String alice = newUser("alice");
    String id = connect(alice, "alice@example.com");
    CreateAgentTokenResponse created = mint(alice, List.of(), AgentScope.AGENT_SCOPE_READ);
    assertThat(connectionsAs(created.getToken()).getConnection(get(alice, id)).getConnectionId()).isEqualTo(id);
    AgentToken revoked = agentAccess.revokeAgentToken(RevokeAgentTokenRequest.newBuilder().setUserId(alice)
        .setAgentTokenId(created.getAgentToken().getAgentTokenId()).build());
    assertThat(revoked.hasRevokeTime()).isTrue();
    assertFails(Status.Code.UNAUTHENTICATED, "AGENT_TOKEN_INVALID",
        () -> connectionsAs(created.getToken()).getConnection(get(alice, id)));
    assertFails(Status.Code.NOT_FOUND, "AGENT_TOKEN_NOT_FOUND", () -> agentAccess.revokeAgentToken(
        RevokeAgentTokenRequest.newBuilder().setUserId(newUser("bob"))
            .setAgentTokenId(created.getAgentToken().getAgentTokenId()).build()));
  }

  @Test
  void expiredTokenIsRefused() {
    String alice = newUser("alice");
    String id = connect(alice, "alice@example.com");
    CreateAgentTokenResponse created = agentAccess.createAgentToken(CreateAgentTokenRequest.newBuilder()
        .setUserId(alice).addScopes(AgentScope.AGENT_SCOPE_READ).setTtl(Duration.newBuilder().setSeconds(60)).build());
    assertThat(connectionsAs(created.getToken()).getConnection(get(alice, id)).getConnectionId()).isEqualTo(id);
    gateway.get().onTenantData("acme", db -> db.preparedQuery(
        "UPDATE {schema}.agent_tokens SET expire_time = now() - interval '1 second' WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(created.getAgentToken().getAgentTokenId()))));
    assertFails(Status.Code.UNAUTHENTICATED, "AGENT_TOKEN_INVALID",
        () -> connectionsAs(created.getToken()).getConnection(get(alice, id)));
  }

  @Test
  void forgedOrMisroutedTokensGetOneAnswer() {
    String alice = newUser("alice");
    String id = connect(alice, "alice@example.com");
    String token = mint(alice, List.of(), AgentScope.AGENT_SCOPE_READ).getToken();
    String forged = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
    List<String> refused = List.of(forged, token.replace("mga_acme_", "mga_globex_"), "mga_acme_short",
        token.replace("mga_acme_", "mga_nosuchtenant_"));
    for (String bad : refused) {
      assertFails(Status.Code.UNAUTHENTICATED, "AGENT_TOKEN_INVALID", () -> connectionsAs(bad).getConnection(get(alice, id)));
    }
    assertFails(Status.Code.UNAUTHENTICATED, "AGENT_TOKEN_INVALID", () -> ConnectionServiceGrpc
        .newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.as("globex", token))
        .getConnection(get(alice, id)));
  }

  @Test
  void creationChecksTheUserItsConnectionsScopesAndTtl() {
    String alice = newUser("alice");
    String bobs = connect(newUser("bob"), "bob@example.com");
    assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> mint(alice, List.of(bobs), AgentScope.AGENT_SCOPE_READ));
    assertFails(Status.Code.NOT_FOUND, "USER_NOT_FOUND", () -> mint("ghost", List.of(), AgentScope.AGENT_SCOPE_READ));
    Failure invalid = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> agentAccess.createAgentToken(
        CreateAgentTokenRequest.newBuilder().setUserId(alice).addConnectionIds("nope")
            .setTtl(Duration.newBuilder().setSeconds(2 * 86400)).build()));
    assertThat(invalid.violations()).extracting(v -> v.getField())
        .containsExactlyInAnyOrder("connection_ids[0]", "scopes", "ttl");
  }

  private static SendMessageRequest send(String userId, String connectionId) {
    return SendMessageRequest.newBuilder().setUserId(userId).setConnectionId(connectionId).setRequestId("r-1")
        .setContent(MessageContent.newBuilder().addTo(EmailAddress.newBuilder().setAddress("x@example.com"))
            .setSubject("hi").setTextBody("hello"))
        .build();
  }
}
