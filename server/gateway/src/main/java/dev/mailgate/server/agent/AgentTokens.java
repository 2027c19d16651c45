package dev.mailgate.server.agent;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mints, revokes and verifies agent tokens. A token is made here, handed back once by
 * {@link #create}, and only its SHA-256 is stored in the tenant's database; {@link #verify} finds a
 * presented token by that hash and accepts it only while it is neither expired nor revoked, so a
 * revocation takes effect on the next call.
 *
 * <p>Dead tokens do not pile up: each mint also deletes up to {@link #PURGE_LIMIT} of the tenant's
 * tokens that expired more than {@link #RETENTION} ago (revoked ones included: every token expires
 * within {@link #MAX_TTL}). A mint adds one row and removes up to that many dead ones, so the purge
 * keeps up with any minting rate, costs one indexed statement, and needs no timer; a tenant that
 * mints nothing adds nothing to purge.
 */
public final class AgentTokens {

  private static final Logger log = LoggerFactory.getLogger(AgentTokens.class);

  /** The shortest and longest lifetimes a token may be given. */
  public static final Duration MIN_TTL = Duration.ofMinutes(1);
  public static final Duration MAX_TTL = Duration.ofHours(24);
  /** The lifetime of a token minted without one. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);
  /**
   * How long a token's record stays after it expired: until then RevokeAgentToken still finds it
   * (and answers it unchanged), afterwards it answers AGENT_TOKEN_NOT_FOUND.
   */
  public static final Duration RETENTION = Duration.ofDays(1);
  /** The most dead tokens one mint deletes. */
  static final int PURGE_LIMIT = 100;

  private final AgentTokenStore store = new AgentTokenStore();

  /** A new token (the one time it is shown) and what it allows. */
  public record Created(String token, AgentTokenRecord record) {}

  /**
   * Mints a token for an existing user; fails with USER_NOT_FOUND, or CONNECTION_NOT_FOUND if a
   * named connection is not the user's (the same answer as one that does not exist).
   */
  public Future<Created> create(Tenant tenant, String userId, List<UUID> connections, Set<AgentScope> scopes,
      Duration ttl) {
    String token = AgentTokenFormat.generate(tenant.id());
    List<UUID> distinct = connections.stream().distinct().toList();
    Instant expireTime = Instant.now().plus(ttl);
    return tenant.withTransaction(db -> store.owned(db, userId, distinct).compose(owned -> {
      if (owned.isEmpty()) {
        return Future.failedFuture(new GatewayException(Reason.USER_NOT_FOUND, "user not found"));
      }
      if (owned.get()[1] != distinct.size()) {
        return Future.failedFuture(new GatewayException(Reason.CONNECTION_NOT_FOUND, "connection not found"));
      }
      return store.insert(db, UUID.randomUUID(), owned.get()[0], AgentTokenFormat.sha256(token), distinct, scopes,
          expireTime);
    })).compose(record -> purge(tenant).map(new Created(token, record)));
  }

  /** One bounded purge of the tenant's dead tokens; never fails (the next mint tries again). */
  private Future<Integer> purge(Tenant tenant) {
    return tenant.withDatabase(db -> store.purge(db, RETENTION, PURGE_LIMIT)).otherwise(failure -> {
      log.warn("tenant={} agent token purge failed: {}", tenant.id(), failure.getClass().getSimpleName());
      return 0;
    });
  }

  /** Revokes a token of this user (again: no change); fails with AGENT_TOKEN_NOT_FOUND. */
  public Future<AgentTokenRecord> revoke(Tenant tenant, String userId, UUID id) {
    return tenant.withDatabase(db -> store.revoke(db, userId, id)).map(revoked -> revoked.orElseThrow(() ->
        new GatewayException(Reason.AGENT_TOKEN_NOT_FOUND, "agent token not found")));
  }

  /** What a presented token allows, if it is stored in this tenant and neither expired nor revoked. */
  public Future<Optional<AgentGrant>> verify(Tenant tenant, String token) {
    return tenant.withDatabase(db -> store.findValid(db, AgentTokenFormat.sha256(token)))
        .map(found -> found.map(AgentTokenRecord::grant));
  }
}
