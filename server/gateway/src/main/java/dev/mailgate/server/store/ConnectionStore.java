package dev.mailgate.server.store;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.StreamSupport;

/**
 * Connections in one tenant's database. Every query that takes a connection id also takes the
 * owner's user id and checks both in the same statement: a connection that does not exist and
 * one that belongs to another user are the same CONNECTION_NOT_FOUND.
 */
public final class ConnectionStore {

  private static final String COLUMNS = """
      c.id, u.external_id, c.provider, c.email_address, c.scopes, c.status,
      c.create_time, c.update_time, c.last_used_time, c.settings""";

  private static final String SELECT_OWNED = "SELECT " + COLUMNS + """
       FROM {schema}.connections c JOIN {schema}.users u ON u.id = c.user_id
      WHERE c.id = $1 AND u.external_id = $2""";
  private static final String SELECT_PAGE = "SELECT " + COLUMNS + """
       FROM {schema}.connections c JOIN {schema}.users u ON u.id = c.user_id
      WHERE u.external_id = $1 AND (c.create_time, c.id) < ($2, $3)
      ORDER BY c.create_time DESC, c.id DESC
      LIMIT $4""";
  private static final String DELETE_OWNED = """
      DELETE FROM {schema}.connections c USING {schema}.users u
      WHERE c.id = $1 AND c.user_id = u.id AND u.external_id = $2""";
  private static final String INSERT = """
      WITH inserted AS (
        INSERT INTO {schema}.connections (id, user_id, provider, email_address, scopes, status)
        SELECT $1, u.id, $3, $4, $5, $6 FROM {schema}.users u WHERE u.external_id = $2
        RETURNING *)
      SELECT c.id, $2 AS external_id, c.provider, c.email_address, c.scopes, c.status,
             c.create_time, c.update_time, c.last_used_time, c.settings
      FROM inserted c""";

  private static final String ACTIVE_OF_KINDS = "SELECT " + COLUMNS + """
       FROM {schema}.connections c JOIN {schema}.users u ON u.id = c.user_id
      WHERE c.status = 'ACTIVE' AND c.provider = ANY($1)
      ORDER BY c.create_time, c.id
      LIMIT $2""";
  private static final String TOUCH = "UPDATE {schema}.connections SET last_used_time = now() WHERE id = $1";
  private static final String ACTIVE_OF_USER = "SELECT " + COLUMNS + """
       FROM {schema}.connections c JOIN {schema}.users u ON u.id = c.user_id
      WHERE u.external_id = $1 AND c.status = 'ACTIVE'
      ORDER BY c.create_time, c.id""";

  /**
   * Marks a connection whose stored secrets no longer decrypt. The ciphertexts stay (an operator
   * who restores the right keyset can look at them); a row locked by a transaction in progress is
   * skipped rather than waited for, since that transaction may be the one that found the problem.
   */
  private static final String MARK_UNREADABLE = """
      UPDATE {schema}.connections SET status = 'NEEDS_REAUTH', update_time = now()
      WHERE id = (SELECT id FROM {schema}.connections WHERE id = $1 AND status = 'ACTIVE' FOR UPDATE SKIP LOCKED)""";

  private static final String NEEDING_REAUTH = "SELECT " + COLUMNS + """
       FROM {schema}.connections c JOIN {schema}.users u ON u.id = c.user_id
      WHERE c.status = 'NEEDS_REAUTH'
      ORDER BY c.update_time DESC, c.id
      LIMIT $1""";

  /** The largest time a cursor can hold; the first page starts below it. */
  private static final OffsetDateTime END_OF_TIME = OffsetDateTime.of(9999, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
  private static final UUID MAX_UUID = new UUID(-1L, -1L);

  /** The tenant's connections whose user must authorize again, most recently changed first, at most {@code limit}. */
  public Future<List<ConnectionRecord>> needingReauth(SqlClient db, int limit) {
    return db.preparedQuery(NEEDING_REAUTH).execute(Tuple.of(limit))
        .map(rows -> StreamSupport.stream(rows.spliterator(), false).map(ConnectionStore::toConnection).toList());
  }

  /** Returns the connection if it belongs to the user; fails with CONNECTION_NOT_FOUND otherwise. */
  public Future<ConnectionRecord> getOwned(SqlClient db, String userId, String connectionId) {
    Optional<UUID> id = parseId(connectionId);
    if (id.isEmpty()) {
      return Future.failedFuture(notFound());
    }
    return db.preparedQuery(SELECT_OWNED).execute(Tuple.of(id.get(), userId)).map(rows -> {
      if (rows.rowCount() == 0) {
        throw notFound();
      }
      return toConnection(rows.iterator().next());
    });
  }

  /** Returns up to {@code limit} of the user's connections, newest first, after the cursor. */
  public Future<Page<ConnectionRecord>> list(SqlClient db, String userId, int limit, Optional<ConnectionCursor> after) {
    OffsetDateTime time = after.map(c -> c.createTime().atOffset(ZoneOffset.UTC)).orElse(END_OF_TIME);
    UUID id = after.map(ConnectionCursor::id).orElse(MAX_UUID);
    return db.preparedQuery(SELECT_PAGE).execute(Tuple.of(userId, time, id, limit + 1)).map(rows -> {
      List<ConnectionRecord> connections =
          StreamSupport.stream(rows.spliterator(), false).map(ConnectionStore::toConnection).toList();
      return Page.of(connections, limit, ConnectionStore::keyOf);
    });
  }

  /** Deletes the connection if it belongs to the user; fails with CONNECTION_NOT_FOUND otherwise. */
  public Future<Void> deleteOwned(SqlClient db, String userId, String connectionId) {
    Optional<UUID> id = parseId(connectionId);
    if (id.isEmpty()) {
      return Future.failedFuture(notFound());
    }
    return db.preparedQuery(DELETE_OWNED).execute(Tuple.of(id.get(), userId)).map(rows -> {
      if (rows.rowCount() == 0) {
        throw notFound();
      }
      return null;
    });
  }

  /** Adds a connection for an existing user; fails with USER_NOT_FOUND if the user does not exist. */
  public Future<ConnectionRecord> insert(SqlClient db, String userId, ProviderKind provider, String emailAddress,
      List<String> scopes, ConnectionStatus status) {
    Tuple params = Tuple.of(UUID.randomUUID(), userId, provider.name(), emailAddress,
        scopes.toArray(String[]::new), status.name());
    return db.preparedQuery(INSERT).execute(params).map(rows -> {
      if (rows.rowCount() == 0) {
        throw new GatewayException(Reason.USER_NOT_FOUND, "user not found");
      }
      return toConnection(rows.iterator().next());
    });
  }

  /** Records that the connection was used for a mail operation. */
  /** NEEDS_REAUTH for a connection whose stored secrets cannot be read; true if this call changed it. */
  public Future<Boolean> markUnreadable(SqlClient db, UUID connectionId) {
    return db.preparedQuery(MARK_UNREADABLE).execute(Tuple.of(connectionId)).map(rows -> rows.rowCount() > 0);
  }

  public Future<Void> touch(SqlClient db, UUID connectionId) {
    return db.preparedQuery(TOUCH).execute(Tuple.of(connectionId)).mapEmpty();
  }

  /** Every ACTIVE connection of the user (for searching all of them at once). */
  public Future<List<ConnectionRecord>> activeOf(SqlClient db, String userId) {
    return db.preparedQuery(ACTIVE_OF_USER).execute(Tuple.of(userId)).map(rows ->
        StreamSupport.stream(rows.spliterator(), false).map(ConnectionStore::toConnection).toList());
  }

  /** Up to {@code limit} ACTIVE connections of the tenant with one of these providers, oldest first. */
  public Future<List<ConnectionRecord>> activeOfKinds(SqlClient db, java.util.Collection<ProviderKind> kinds, int limit) {
    String[] names = kinds.stream().map(ProviderKind::name).toArray(String[]::new);
    return db.preparedQuery(ACTIVE_OF_KINDS).execute(Tuple.tuple().addArrayOfString(names).addInteger(limit)).map(rows ->
        StreamSupport.stream(rows.spliterator(), false).map(ConnectionStore::toConnection).toList());
  }

  /** Where a page of connections ends: the row's creation time (microseconds since the epoch) and id. */
  private static String keyOf(ConnectionRecord connection) {
    return java.time.temporal.ChronoUnit.MICROS.between(java.time.Instant.EPOCH, connection.createTime()) + "/"
        + connection.id();
  }

  private static Optional<UUID> parseId(String connectionId) {
    try {
      return Optional.of(UUID.fromString(connectionId));
    } catch (IllegalArgumentException notAUuid) {
      return Optional.empty();
    }
  }

  private static GatewayException notFound() {
    return new GatewayException(Reason.CONNECTION_NOT_FOUND, "connection not found");
  }

  private static ConnectionRecord toConnection(Row row) {
    OffsetDateTime lastUsed = row.getOffsetDateTime("last_used_time");
    return new ConnectionRecord(
        row.getUUID("id"),
        row.getString("external_id"),
        ProviderKind.stored(row.getString("provider")),
        row.getString("email_address"),
        Arrays.asList(row.getArrayOfStrings("scopes")),
        ConnectionStatus.valueOf(row.getString("status")),
        row.getOffsetDateTime("create_time").toInstant(),
        row.getOffsetDateTime("update_time").toInstant(),
        Optional.ofNullable(lastUsed).map(OffsetDateTime::toInstant),
        settingsOf(row.getJsonObject("settings")));
  }

  private static java.util.Map<String, String> settingsOf(io.vertx.core.json.JsonObject json) {
    java.util.Map<String, String> settings = new java.util.HashMap<>();
    if (json != null) {
      json.forEach(entry -> settings.put(entry.getKey(), String.valueOf(entry.getValue())));
    }
    return settings;
  }
}
