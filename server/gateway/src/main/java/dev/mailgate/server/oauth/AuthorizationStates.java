package dev.mailgate.server.oauth;

import dev.mailgate.server.store.ProviderKind;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/** Pending authorizations in one tenant's database, stored by the SHA-256 of their state. */
final class AuthorizationStates {

  /** A consumed state: who asked for which provider, with which PKCE verifier, returning where. */
  record Pending(String userId, ProviderKind provider, String codeVerifier, String returnUrl) {}

  private static final String INSERT = """
      INSERT INTO {schema}.oauth_states (state_hash, user_id, provider, code_verifier, return_url, expire_time)
      SELECT $1, u.id, $3, $4, $5, $6 FROM {schema}.users u WHERE u.external_id = $2""";
  /** Deleting is consuming: a state answers once, and only before it expires. */
  private static final String CONSUME = """
      WITH consumed AS (DELETE FROM {schema}.oauth_states WHERE state_hash = $1 RETURNING *)
      SELECT u.external_id, c.provider, c.code_verifier, c.return_url
      FROM consumed c JOIN {schema}.users u ON u.id = c.user_id
      WHERE c.expire_time > now()""";
  private static final String PURGE_EXPIRED = "DELETE FROM {schema}.oauth_states WHERE expire_time <= now()";

  Future<Void> insert(SqlClient db, byte[] stateHash, String userId, ProviderKind provider, String codeVerifier,
      String returnUrl, Instant expireTime) {
    return db.preparedQuery(INSERT)
        .execute(Tuple.of(Buffer.buffer(stateHash), userId, provider.name(), codeVerifier, returnUrl, expireTime.atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  Future<Optional<Pending>> consume(SqlClient db, byte[] stateHash) {
    return db.query(PURGE_EXPIRED).execute()
        .compose(purged -> db.preparedQuery(CONSUME).execute(Tuple.of(Buffer.buffer(stateHash))))
        .map(rows -> {
          if (rows.rowCount() == 0) {
            return Optional.empty();
          }
          var row = rows.iterator().next();
          return Optional.of(new Pending(row.getString("external_id"), ProviderKind.stored(row.getString("provider")),
              row.getString("code_verifier"), row.getString("return_url")));
        });
  }
}
