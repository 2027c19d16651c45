package dev.mailgate.server.webhook;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.events.EventType;
import dev.mailgate.server.events.LogPosition;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Webhook endpoints in one tenant's database; secrets go in and out only as ciphertexts. */
final class EndpointStore {

  private static final String COLUMNS = """
      id, url, event_types, user_ids, enabled, disabled_reason, create_time, update_time,
      CASE WHEN previous_secret_expire_time > now() THEN previous_secret_expire_time END AS previous_expire""";
  /** A new endpoint starts at "now" in the event log: it receives events committed from its creation on. */
  private static final String INSERT = """
      INSERT INTO {schema}.webhook_endpoints (id, url, event_types, user_ids, enabled, secret, position_tx_id, position_id)
      SELECT $1, $2, $3, $4, $5, $6, pg_snapshot_xmin(pg_current_snapshot()), 0
      FROM {schema}.mailbox_event_retention
      RETURNING""" + " " + COLUMNS;
  private static final String SELECT_ONE = "SELECT " + COLUMNS + " FROM {schema}.webhook_endpoints WHERE id = $1";
  private static final String SELECT_PAGE =
      "SELECT " + COLUMNS + " FROM {schema}.webhook_endpoints WHERE id > $1 ORDER BY id LIMIT $2";
  private static final String UPDATE = """
      UPDATE {schema}.webhook_endpoints SET url = $2, event_types = $3, user_ids = $4, enabled = $5,
        disabled_reason = CASE WHEN $5 THEN NULL ELSE disabled_reason END, update_time = now()
      WHERE id = $1
      RETURNING""" + " " + COLUMNS;
  private static final String DELETE = "DELETE FROM {schema}.webhook_endpoints WHERE id = $1";
  private static final String ROTATE = """
      UPDATE {schema}.webhook_endpoints SET previous_secret = secret, secret = $2,
        previous_secret_expire_time = now() + $3::bigint * interval '1 millisecond', update_time = now()
      WHERE id = $1
      RETURNING""" + " " + COLUMNS;
  private static final String DISABLE = """
      UPDATE {schema}.webhook_endpoints SET enabled = false, disabled_reason = $2, update_time = now()
      WHERE id = $1 AND enabled""";
  /** Moves the position back (never forward) to the one given. */
  private static final String REWIND = """
      UPDATE {schema}.webhook_endpoints SET position_tx_id = $2::text::xid8, position_id = $3
      WHERE id = $1 AND (position_tx_id, position_id) > ($2::text::xid8, $3::bigint)""";
  private static final String ANY_ENABLED = "SELECT EXISTS (SELECT 1 FROM {schema}.webhook_endpoints WHERE enabled) AS any";
  /** The next enabled endpoints after an id that no other node is queueing for, held until the transaction ends. */
  private static final String CLAIM_FOR_QUEUEING = """
      SELECT id, event_types, user_ids, position_tx_id::text AS position_tx_id, position_id
      FROM {schema}.webhook_endpoints WHERE enabled AND id > $2 ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED""";
  private static final String MOVE = """
      UPDATE {schema}.webhook_endpoints SET position_tx_id = $2::text::xid8, position_id = $3 WHERE id = $1""";

  /** An endpoint held for queueing its events: what it wants and where it stands in the log. */
  record Queueing(UUID id, List<EventType> eventTypes, List<String> userIds, LogPosition position) {}

  Future<WebhookEndpoint> insert(SqlClient db, UUID id, String url, List<EventType> types, List<String> users,
      boolean enabled, byte[] secret) {
    return db.preparedQuery(INSERT).execute(Tuple.of(id, url, names(types), users.toArray(String[]::new), enabled,
        Buffer.buffer(secret))).map(EndpointStore::one);
  }

  Future<WebhookEndpoint> get(SqlClient db, UUID id) {
    return db.preparedQuery(SELECT_ONE).execute(Tuple.of(id)).map(EndpointStore::one);
  }

  /** Up to {@code limit + 1} endpoints after {@code after} in id order (the extra one says a page follows). */
  Future<List<WebhookEndpoint>> list(SqlClient db, UUID after, int limit) {
    return db.preparedQuery(SELECT_PAGE).execute(Tuple.of(after, limit + 1)).map(rows -> {
      List<WebhookEndpoint> endpoints = new ArrayList<>();
      rows.forEach(row -> endpoints.add(toEndpoint(row)));
      return endpoints;
    });
  }

  Future<WebhookEndpoint> update(SqlClient db, UUID id, String url, List<EventType> types, List<String> users,
      boolean enabled) {
    return db.preparedQuery(UPDATE).execute(Tuple.of(id, url, names(types), users.toArray(String[]::new), enabled))
        .map(EndpointStore::one);
  }

  Future<Void> delete(SqlClient db, UUID id) {
    return db.preparedQuery(DELETE).execute(Tuple.of(id)).map(rows -> {
      if (rows.rowCount() == 0) {
        throw notFound();
      }
      return null;
    });
  }

  Future<WebhookEndpoint> rotate(SqlClient db, UUID id, byte[] secret, Duration grace) {
    return db.preparedQuery(ROTATE).execute(Tuple.of(id, Buffer.buffer(secret), grace.toMillis()))
        .map(EndpointStore::one);
  }

  Future<Boolean> disable(SqlClient db, UUID id, String reason) {
    return db.preparedQuery(DISABLE).execute(Tuple.of(id, reason)).map(rows -> rows.rowCount() > 0);
  }

  Future<Void> rewind(SqlClient db, UUID id, LogPosition to) {
    return db.preparedQuery(REWIND).execute(Tuple.of(id, Long.toUnsignedString(to.txId()), to.id())).mapEmpty();
  }

  Future<Boolean> anyEnabled(SqlClient db) {
    return db.preparedQuery(ANY_ENABLED).execute().map(rows -> rows.iterator().next().getBoolean("any"));
  }

  /** Up to {@code limit} enabled endpoints with ids above {@code after}, skipping those another node holds. */
  Future<List<Queueing>> claimForQueueing(SqlClient tx, UUID after, int limit) {
    return tx.preparedQuery(CLAIM_FOR_QUEUEING).execute(Tuple.of(limit, after)).map(rows -> {
      List<Queueing> claimed = new ArrayList<>();
      for (Row row : rows) {
        claimed.add(new Queueing(row.getUUID("id"), types(row), List.of(row.getArrayOfStrings("user_ids")),
            new LogPosition(Long.parseUnsignedLong(row.getString("position_tx_id")), row.getLong("position_id"))));
      }
      return claimed;
    });
  }

  Future<Void> move(SqlClient tx, UUID id, LogPosition to) {
    return tx.preparedQuery(MOVE).execute(Tuple.of(id, Long.toUnsignedString(to.txId()), to.id())).mapEmpty();
  }

  static GatewayException notFound() {
    return new GatewayException(Reason.WEBHOOK_ENDPOINT_NOT_FOUND, "webhook endpoint not found");
  }

  private static WebhookEndpoint one(RowSet<Row> rows) {
    if (rows.rowCount() == 0) {
      throw notFound();
    }
    return toEndpoint(rows.iterator().next());
  }

  private static String[] names(List<EventType> types) {
    return types.stream().map(Enum::name).toArray(String[]::new);
  }

  private static List<EventType> types(Row row) {
    return Arrays.stream(row.getArrayOfStrings("event_types")).map(EventType::valueOf).toList();
  }

  private static WebhookEndpoint toEndpoint(Row row) {
    OffsetDateTime previous = row.getOffsetDateTime("previous_expire");
    return new WebhookEndpoint(row.getUUID("id"), row.getString("url"), types(row),
        List.of(row.getArrayOfStrings("user_ids")), row.getBoolean("enabled"),
        Optional.ofNullable(row.getString("disabled_reason")), row.getOffsetDateTime("create_time").toInstant(),
        row.getOffsetDateTime("update_time").toInstant(), Optional.ofNullable(previous).map(OffsetDateTime::toInstant));
  }
}
