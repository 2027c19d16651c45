package dev.mailgate.server.agent;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** Agent tokens in one tenant's database, found by the SHA-256 of the token. */
final class AgentTokenStore {

  private static final String COLUMNS = "t.id, u.external_id, t.connection_ids, t.scopes, t.create_time, "
      + "t.expire_time, t.revoke_time";

  /** The user's internal id and how many of the named connections are the user's. */
  private static final String OWNED = """
      SELECT u.id, (SELECT count(*) FROM {schema}.connections c
                    WHERE c.user_id = u.id AND c.id = ANY($2::uuid[]))::int AS owned
      FROM {schema}.users u WHERE u.external_id = $1""";
  private static final String INSERT = """
      WITH inserted AS (
        INSERT INTO {schema}.agent_tokens (id, user_id, token_sha256, connection_ids, scopes, expire_time)
        VALUES ($1, $2, $3, $4::uuid[], $5::text[], $6)
        RETURNING *)
      SELECT\s""" + COLUMNS + " FROM inserted t JOIN {schema}.users u ON u.id = t.user_id";
  /** Only a token that is neither revoked nor expired, by the database's clock. */
  private static final String VALID = "SELECT " + COLUMNS + """
       FROM {schema}.agent_tokens t JOIN {schema}.users u ON u.id = t.user_id
      WHERE t.token_sha256 = $1 AND t.revoke_time IS NULL AND t.expire_time > now()""";
  private static final String REVOKE = """
      WITH revoked AS (
        UPDATE {schema}.agent_tokens t SET revoke_time = coalesce(t.revoke_time, now())
        FROM {schema}.users u
        WHERE u.id = t.user_id AND u.external_id = $1 AND t.id = $2
        RETURNING t.*)
      SELECT\s""" + COLUMNS + " FROM revoked t JOIN {schema}.users u ON u.id = t.user_id";

  /**
   * Deletes up to $2 tokens that expired more than $1 seconds ago, oldest first (by the expiry
   * index). Every token expires at most {@link AgentTokens#MAX_TTL} after it was minted, so a
   * revoked one goes too, at the latest that long after its revocation. SKIP LOCKED: a purge never
   * waits for a revocation in flight, nor for another purge.
   */
  private static final String PURGE = """
      DELETE FROM {schema}.agent_tokens WHERE id IN (
        SELECT id FROM {schema}.agent_tokens WHERE expire_time < now() - make_interval(secs => $1)
        ORDER BY expire_time LIMIT $2 FOR UPDATE SKIP LOCKED)""";

  /** The user's internal id if it exists, with how many of {@code connections} it owns. */
  Future<Optional<long[]>> owned(SqlClient db, String userId, List<UUID> connections) {
    return db.preparedQuery(OWNED).execute(Tuple.tuple().addString(userId)
        .addArrayOfUUID(connections.toArray(UUID[]::new))).map(rows ->
        rows.rowCount() == 0 ? Optional.empty() : Optional.of(new long[] {
            rows.iterator().next().getLong("id"), rows.iterator().next().getInteger("owned")}));
  }

  Future<AgentTokenRecord> insert(SqlClient db, UUID id, long userKey, byte[] sha256, List<UUID> connections,
      Set<AgentScope> scopes, Instant expireTime) {
    Tuple values = Tuple.tuple().addUUID(id).addLong(userKey).addBuffer(io.vertx.core.buffer.Buffer.buffer(sha256))
        .addArrayOfUUID(connections.toArray(UUID[]::new))
        .addArrayOfString(scopes.stream().map(Enum::name).sorted().toArray(String[]::new))
        .addOffsetDateTime(OffsetDateTime.ofInstant(expireTime, ZoneOffset.UTC));
    return db.preparedQuery(INSERT).execute(values).map(rows -> toRecord(rows.iterator().next()));
  }

  Future<Optional<AgentTokenRecord>> findValid(SqlClient db, byte[] sha256) {
    return db.preparedQuery(VALID).execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(sha256))).map(rows ->
        rows.rowCount() == 0 ? Optional.empty() : Optional.of(toRecord(rows.iterator().next())));
  }

  Future<Optional<AgentTokenRecord>> revoke(SqlClient db, String userId, UUID id) {
    return db.preparedQuery(REVOKE).execute(Tuple.of(userId, id)).map(rows ->
        rows.rowCount() == 0 ? Optional.empty() : Optional.of(toRecord(rows.iterator().next())));
  }

  /** Deletes up to {@code max} tokens that expired more than {@code retention} ago; returns how many. */
  Future<Integer> purge(SqlClient db, java.time.Duration retention, int max) {
    return db.preparedQuery(PURGE).execute(Tuple.of((double) retention.toSeconds(), max)).map(rows -> rows.rowCount());
  }

  private static AgentTokenRecord toRecord(Row row) {
    OffsetDateTime revoked = row.getOffsetDateTime("revoke_time");
    return new AgentTokenRecord(
        row.getUUID("id"),
        row.getString("external_id"),
        Set.of(row.getArrayOfUUIDs("connection_ids")),
        Arrays.stream(row.getArrayOfStrings("scopes")).map(AgentScope::valueOf).collect(Collectors.toSet()),
        row.getOffsetDateTime("create_time").toInstant(),
        row.getOffsetDateTime("expire_time").toInstant(),
        Optional.ofNullable(revoked).map(OffsetDateTime::toInstant));
  }
}
