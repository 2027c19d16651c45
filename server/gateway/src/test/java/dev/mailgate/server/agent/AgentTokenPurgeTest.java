package dev.mailgate.server.agent;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.AgentAccessServiceGrpc;
import dev.mailgate.proto.v1.AgentScope;
import dev.mailgate.proto.v1.AgentToken;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.CreateAgentTokenRequest;
import dev.mailgate.proto.v1.CreateAgentTokenResponse;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.RevokeAgentTokenRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dead agent tokens are purged: a token that expired more than a day ago (revoked or not) is
 * deleted by the tenant's next mint, so RevokeAgentToken no longer finds it; one that expired
 * recently, and a live one, stay. Time passes by moving a token's expiry back in the database; the
 * rest goes through the public gRPC surface.
 */
class AgentTokenPurgeTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();
  private static AgentAccessServiceGrpc.AgentAccessServiceBlockingStub agentAccess;
  private static UserServiceGrpc.UserServiceBlockingStub users;

  @BeforeAll
  static void stubs() {
    agentAccess = AgentAccessServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    users = UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
  }

  private static String newUser() {
    String id = "purge-" + UUID.randomUUID().toString().substring(0, 8);
    users.createUser(CreateUserRequest.newBuilder().setUserId(id).build());
    return id;
  }

  private static CreateAgentTokenResponse mint(String userId) {
    return agentAccess.createAgentToken(CreateAgentTokenRequest.newBuilder().setUserId(userId)
        .addScopes(AgentScope.AGENT_SCOPE_READ).build());
  }

  private static AgentToken revoke(String userId, AgentToken token) {
    return agentAccess.revokeAgentToken(RevokeAgentTokenRequest.newBuilder().setUserId(userId)
        .setAgentTokenId(token.getAgentTokenId()).build());
  }

  /** Makes the token look minted long ago: it expired {@code ago} before now. */
  private static void expiredAgo(AgentToken token, Duration ago) {
    gateway.get().onTenantData("acme", db -> db.preparedQuery("""
            UPDATE {schema}.agent_tokens
               SET expire_time = now() - make_interval(secs => $2),
                   create_time = now() - make_interval(secs => $2) - interval '1 hour',
                   revoke_time = CASE WHEN revoke_time IS NULL THEN NULL
                                      ELSE now() - make_interval(secs => $2) - interval '30 minutes' END
             WHERE id = $1""")
        .execute(Tuple.of(UUID.fromString(token.getAgentTokenId()), (double) ago.toSeconds())).map(rows -> rows.rowCount()));
  }

  /** The tenant's tokens that expired more than the retention ago. */
  private static long deadTokens() {
    return gateway.get().onTenantData("acme", db -> db.preparedQuery(
            "SELECT count(*) FROM {schema}.agent_tokens WHERE expire_time < now() - make_interval(secs => $1)")
        .execute(Tuple.of((double) AgentTokens.RETENTION.toSeconds())).map(rows -> rows.iterator().next().getLong(0)));
  }

  @Test
  void tokensExpiredMoreThanTheRetentionAgoAreGoneAfterTheNextMint() {
    String alice = newUser();
    AgentToken longExpired = mint(alice).getAgentToken();
    AgentToken revokedLongAgo = mint(alice).getAgentToken();
    revoke(alice, revokedLongAgo);
    AgentToken justExpired = mint(alice).getAgentToken();
    String live = mint(alice).getToken();
    expiredAgo(longExpired, AgentTokens.RETENTION.plusHours(1));
    expiredAgo(revokedLongAgo, AgentTokens.RETENTION.plusMinutes(1));
    expiredAgo(justExpired, AgentTokens.RETENTION.minusHours(1));

    mint(newUser());

    assertFails(Status.Code.NOT_FOUND, "AGENT_TOKEN_NOT_FOUND", () -> revoke(alice, longExpired));
    assertFails(Status.Code.NOT_FOUND, "AGENT_TOKEN_NOT_FOUND", () -> revoke(alice, revokedLongAgo));
    // Within the retention a dead token's record still answers, unchanged but for the revocation.
    AgentToken kept = revoke(alice, justExpired);
    assertThat(kept.getAgentTokenId()).isEqualTo(justExpired.getAgentTokenId());
    assertThat(kept.getExpireTime().getSeconds()).isLessThan(System.currentTimeMillis() / 1000);
    // The live token still works.
    assertThat(ConnectionServiceGrpc.newBlockingStub(gateway.get().channel())
        .withInterceptors(TestGateway.as(null, live))
        .listConnections(ListConnectionsRequest.newBuilder().setUserId(alice).build()).getConnectionsList()).isEmpty();
    assertThat(deadTokens()).isZero();
  }

  @Test
  void oneMintDeletesAtMostThePurgeLimit() {
    String bob = newUser();
    int dead = AgentTokens.PURGE_LIMIT + AgentTokens.PURGE_LIMIT / 2;
    gateway.get().onTenantData("acme", db -> db.preparedQuery("""
            INSERT INTO {schema}.agent_tokens (id, user_id, token_sha256, scopes, create_time, expire_time)
            SELECT gen_random_uuid(), u.id, sha256(convert_to(u.external_id || '-' || g, 'UTF8')), '{READ}',
                   now() - interval '3 days', now() - interval '2 days' - make_interval(secs => g)
              FROM {schema}.users u, generate_series(1, $2) g
             WHERE u.external_id = $1""")
        .execute(Tuple.of(bob, dead)).map(rows -> rows.rowCount()));
    long before = deadTokens();
    assertThat(before).isGreaterThanOrEqualTo(dead);

    mint(bob);
    assertThat(deadTokens()).isEqualTo(before - AgentTokens.PURGE_LIMIT);
    mint(bob);
    assertThat(deadTokens()).isEqualTo(Math.max(0, before - 2L * AgentTokens.PURGE_LIMIT));
  }
}
