package dev.mailgate.server.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.StreamSupport;

/**
 * The credential columns of connections. Callers pass a connection id they already proved the
 * caller owns (through {@link ConnectionStore#getOwned}) or got from an authorization they just
 * completed; the values are ciphertexts made by the tenant's token cipher.
 */
public final class CredentialStore {

  private static final String COLUMNS =
      "id, provider, status, access_token, refresh_token, access_token_expire_time, password FROM {schema}.connections";
  private static final String SELECT = "SELECT " + COLUMNS + " WHERE id = $1";
  private static final String SELECT_FOR_UPDATE = SELECT + " FOR UPDATE";

  private static final String SELECT_OF_USER = "SELECT " + COLUMNS
      + " WHERE user_id = (SELECT id FROM {schema}.users WHERE external_id = $1)";
  private static final String UPSERT_AUTHORIZED = """
      INSERT INTO {schema}.connections (id, user_id, provider, email_address, scopes, status)
      SELECT $1, u.id, $3, $4, $5, 'ACTIVE' FROM {schema}.users u WHERE u.external_id = $2
      ON CONFLICT (user_id, provider, email_address)
      DO UPDATE SET scopes = EXCLUDED.scopes, status = 'ACTIVE', update_time = now()
      RETURNING id""";
  private static final String SAVE = """
      UPDATE {schema}.connections SET access_token = $2, refresh_token = coalesce($3, refresh_token),
        access_token_expire_time = $4, status = 'ACTIVE', update_time = now()
      WHERE id = $1""";
  private static final String UPSERT_WITH_PASSWORD = """
      INSERT INTO {schema}.connections (id, user_id, provider, email_address, settings, status)
      SELECT $1, u.id, $5, $3, $4, 'ACTIVE' FROM {schema}.users u WHERE u.external_id = $2
      ON CONFLICT (user_id, provider, email_address)
      DO UPDATE SET settings = EXCLUDED.settings, status = 'ACTIVE', update_time = now()
      RETURNING id""";
  private static final String SAVE_PASSWORD =
      "UPDATE {schema}.connections SET password = $2, status = 'ACTIVE', update_time = now() WHERE id = $1";
  /** Returns the status the connection had (its row locked first, so that status is the one replaced). */
  private static final String NEEDS_REAUTH = """
      UPDATE {schema}.connections c SET status = 'NEEDS_REAUTH', access_token = NULL, refresh_token = NULL,
        access_token_expire_time = NULL, password = NULL, update_time = now()
      FROM (SELECT id, status FROM {schema}.connections WHERE id = $1 FOR UPDATE) previous
      WHERE c.id = previous.id
      RETURNING previous.status AS previous_status""";
  private static final String LOCK_EXISTING = """
      SELECT c.status FROM {schema}.connections c JOIN {schema}.users u ON u.id = c.user_id
      WHERE u.external_id = $1 AND c.provider = $2 AND c.email_address = $3
      FOR UPDATE OF c""";

  public Future<Optional<StoredCredentials>> find(SqlClient db, UUID connectionId) {
    return db.preparedQuery(SELECT).execute(Tuple.of(connectionId)).map(rows ->
        rows.rowCount() == 0 ? Optional.empty() : Optional.of(toCredentials(rows.iterator().next())));
  }

  /** Reads and row-locks the credentials until the surrounding transaction ends. */
  public Future<Optional<StoredCredentials>> lock(SqlClient transaction, UUID connectionId) {
    return transaction.preparedQuery(SELECT_FOR_UPDATE).execute(Tuple.of(connectionId)).map(rows ->
        rows.rowCount() == 0 ? Optional.empty() : Optional.of(toCredentials(rows.iterator().next())));
  }

  /** Every connection of a user, with credentials (for revoking them all). */
  public Future<List<StoredCredentials>> ofUser(SqlClient db, String userId) {
    return db.preparedQuery(SELECT_OF_USER).execute(Tuple.of(userId)).map(rows ->
        StreamSupport.stream(rows.spliterator(), false).map(CredentialStore::toCredentials).toList());
  }

  /**
   * Creates the user's connection to this mailbox, or re-activates the existing one (connecting
   * the same address twice updates it), and returns its id.
   */
  public Future<UUID> upsertAuthorized(SqlClient db, String userId, ProviderKind provider, String emailAddress,
      List<String> scopes) {
    Tuple params = Tuple.of(UUID.randomUUID(), userId, provider.name(), emailAddress, scopes.toArray(String[]::new));
    return db.preparedQuery(UPSERT_AUTHORIZED).execute(params).map(rows -> rows.iterator().next().getUUID("id"));
  }

  /** Stores new ciphertexts; a null refresh token keeps the stored one. Marks the connection ACTIVE. */
  public Future<Void> save(SqlClient db, UUID connectionId, byte[] accessToken, byte[] refreshToken, Instant expireTime) {
    return db.preparedQuery(SAVE)
        .execute(Tuple.of(connectionId, Buffer.buffer(accessToken), refreshToken == null ? null : Buffer.buffer(refreshToken),
            expireTime.atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  /**
   * Creates the user's password connection (IMAP) to this mailbox with its non-secret settings, or
   * updates the existing one, and returns its id.
   */
  public Future<UUID> upsertWithPassword(SqlClient db, String userId, ProviderKind provider, String emailAddress,
      java.util.Map<String, String> settings) {
    return db.preparedQuery(UPSERT_WITH_PASSWORD)
        .execute(Tuple.of(UUID.randomUUID(), userId, emailAddress,
            new io.vertx.core.json.JsonObject(new java.util.HashMap<>(settings)), provider.name()))
        .map(rows -> rows.iterator().next().getUUID("id"));
  }

  /** Stores the encrypted password (IMAP and SMTP) and marks the connection ACTIVE. */
  public Future<Void> savePassword(SqlClient db, UUID connectionId, byte[] password) {
    return db.preparedQuery(SAVE_PASSWORD).execute(Tuple.of(connectionId, Buffer.buffer(password))).mapEmpty();
  }

  /**
   * The provider refused the grant: forget the credentials and mark the connection NEEDS_REAUTH.
   * True if it was ACTIVE until now. (Callers go through {@code events.ConnectionStateChanges},
   * which records the change in the event log in the same transaction.)
   */
  public Future<Boolean> markNeedsReauth(SqlClient db, UUID connectionId) {
    return db.preparedQuery(NEEDS_REAUTH).execute(Tuple.of(connectionId)).map(rows -> rows.rowCount() > 0
        && ConnectionStatus.ACTIVE.name().equals(rows.iterator().next().getString("previous_status")));
  }

  /**
   * Row-locks the user's existing connection to this mailbox, if there is one, until the transaction
   * ends, and returns its status (before a re-authorization replaces it).
   */
  public Future<Optional<ConnectionStatus>> lockExisting(SqlClient transaction, String userId, ProviderKind provider,
      String emailAddress) {
    return transaction.preparedQuery(LOCK_EXISTING).execute(Tuple.of(userId, provider.name(), emailAddress))
        .map(rows -> rows.rowCount() == 0 ? Optional.empty()
            : Optional.of(ConnectionStatus.valueOf(rows.iterator().next().getString("status"))));
  }

  private static StoredCredentials toCredentials(Row row) {
    OffsetDateTime expire = row.getOffsetDateTime("access_token_expire_time");
    return new StoredCredentials(
        row.getUUID("id"),
        ProviderKind.stored(row.getString("provider")),
        ConnectionStatus.valueOf(row.getString("status")),
        Optional.ofNullable(bytes(row, "access_token")),
        Optional.ofNullable(bytes(row, "refresh_token")),
        Optional.ofNullable(expire).map(OffsetDateTime::toInstant),
        Optional.ofNullable(bytes(row, "password")));
  }

  private static byte[] bytes(Row row, String column) {
    var buffer = row.getBuffer(column);
    return buffer == null ? null : buffer.getBytes();
  }
}
