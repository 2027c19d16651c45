package dev.mailgate.server.webhook;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Webhook deliveries in one tenant's database: queued, claimed for an attempt, answered, listed. */
final class DeliveryStore {

  /** The connection id of test events (they belong to no connection). */
  static final UUID NO_CONNECTION = new UUID(0, 0);

  private static final String INSERT = """
      INSERT INTO {schema}.webhook_deliveries (endpoint_id, event_id, event_type, connection_id, body)
      VALUES ($1, $2, $3, $4, $5)""";
  /**
   * Claims due deliveries that are first in line for their endpoint and connection, skipping rows
   * another node holds, at most {@code $3} minus this node's attempts in flight to an endpoint
   * ({@code $4}, {@code $5}) per endpoint (so a slow endpoint cannot take the whole batch), the
   * longest due first; and leases them for one attempt: the next attempt is pushed past the longest
   * an attempt takes (a node that dies mid-attempt leaves the delivery to be retried then).
   */
  private static final String CLAIM = """
      WITH due AS (
        SELECT c.id FROM {schema}.webhook_endpoints e
        LEFT JOIN unnest($4::uuid[], $5::int[]) AS busy (endpoint_id, attempts) ON busy.endpoint_id = e.id
        CROSS JOIN LATERAL (
          SELECT d.id, d.next_attempt_time FROM {schema}.webhook_deliveries d
          WHERE d.endpoint_id = e.id AND d.status = 'PENDING' AND d.next_attempt_time <= now()
            AND NOT EXISTS (SELECT 1 FROM {schema}.webhook_deliveries p
              WHERE p.endpoint_id = d.endpoint_id AND p.connection_id = d.connection_id
                AND p.status = 'PENDING' AND p.id < d.id)
          ORDER BY d.next_attempt_time
          LIMIT greatest(0, $3 - coalesce(busy.attempts, 0))
          FOR UPDATE SKIP LOCKED) c
        WHERE e.enabled
        ORDER BY c.next_attempt_time
        LIMIT $1)
      UPDATE {schema}.webhook_deliveries d
      SET attempts = d.attempts + 1, next_attempt_time = now() + $2::bigint * interval '1 millisecond',
        update_time = now()
      FROM due, {schema}.webhook_endpoints e
      WHERE d.id = due.id AND e.id = d.endpoint_id
      RETURNING d.id, d.endpoint_id, d.event_id, d.body, d.attempts, e.url, e.secret, d.create_time,
        CASE WHEN e.previous_secret_expire_time > now() THEN e.previous_secret END AS previous_secret""";
  private static final String SUCCEEDED = """
      UPDATE {schema}.webhook_deliveries SET status = 'SUCCEEDED', last_status_code = $3, last_error = NULL,
        update_time = now()
      WHERE id = $1 AND attempts = $2 AND status = 'PENDING'""";
  private static final String FAILED = """
      UPDATE {schema}.webhook_deliveries SET status = CASE WHEN $5 THEN 'DEAD_LETTERED' ELSE 'PENDING' END,
        last_status_code = $3, last_error = $4, next_attempt_time = now() + $6::bigint * interval '1 millisecond',
        update_time = now()
      WHERE id = $1 AND attempts = $2 AND status = 'PENDING'""";
  private static final String SELECT_PAGE = """
      SELECT id, endpoint_id, event_id, event_type, connection_id, status, attempts, last_status_code, last_error,
        next_attempt_time, create_time, update_time
      FROM {schema}.webhook_deliveries
      WHERE endpoint_id = $1 AND ($2 = '' OR status = $2) AND id < $3
      ORDER BY id DESC LIMIT $4""";
  private static final String SWEEP = """
      DELETE FROM {schema}.webhook_deliveries WHERE id IN (
        SELECT id FROM {schema}.webhook_deliveries
        WHERE status <> 'PENDING' AND update_time < now() - $1::bigint * interval '1 second' LIMIT $2)""";

  /** One delivery to queue. */
  record Queued(UUID endpointId, UUID eventId, String eventType, UUID connectionId, String body) {}

  Future<Void> insert(SqlClient db, List<Queued> deliveries) {
    if (deliveries.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = deliveries.stream()
        .map(d -> Tuple.of(d.endpointId(), d.eventId(), d.eventType(), d.connectionId(), d.body())).toList();
    return db.preparedQuery(INSERT).executeBatch(batch).mapEmpty();
  }

  /**
   * Claims up to {@code limit} due deliveries, at most {@code perEndpoint} minus {@code busy}'s count
   * (this node's attempts in flight to that endpoint) of any one endpoint.
   */
  Future<List<ClaimedDelivery>> claim(SqlClient db, int limit, Duration lease, int perEndpoint,
      Map<UUID, Integer> busy) {
    UUID[] endpointIds = new UUID[busy.size()];
    Integer[] attempts = new Integer[busy.size()];
    int i = 0;
    for (Map.Entry<UUID, Integer> entry : busy.entrySet()) {
      endpointIds[i] = entry.getKey();
      attempts[i++] = entry.getValue();
    }
    Tuple args = Tuple.of(limit, lease.toMillis(), perEndpoint).addArrayOfUUID(endpointIds).addArrayOfInteger(attempts);
    return db.preparedQuery(CLAIM).execute(args).map(rows -> {
      List<ClaimedDelivery> claimed = new ArrayList<>();
      for (Row row : rows) {
        Buffer previous = row.getBuffer("previous_secret");
        claimed.add(new ClaimedDelivery(row.getLong("id"), row.getUUID("endpoint_id"), row.getUUID("event_id"),
            row.getString("body"), row.getInteger("attempts"), row.getString("url"), row.getBuffer("secret").getBytes(),
            Optional.ofNullable(previous).map(Buffer::getBytes), row.getOffsetDateTime("create_time").toInstant()));
      }
      return claimed;
    });
  }

  Future<Void> succeeded(SqlClient db, ClaimedDelivery delivery, int statusCode) {
    return db.preparedQuery(SUCCEEDED).execute(Tuple.of(delivery.id(), delivery.attempt(), statusCode)).mapEmpty();
  }

  /** Records a failed attempt: retried after {@code retryAfter}, or dead-lettered. */
  Future<Void> failed(SqlClient db, ClaimedDelivery delivery, int statusCode, String error, boolean deadLetter,
      Duration retryAfter) {
    return db.preparedQuery(FAILED).execute(Tuple.of(delivery.id(), delivery.attempt(),
        statusCode == 0 ? null : statusCode, error, deadLetter, retryAfter.toMillis())).mapEmpty();
  }

  /** Up to {@code limit + 1} deliveries of the endpoint before id {@code before}, newest first. */
  Future<List<WebhookDelivery>> list(SqlClient db, UUID endpointId, Optional<WebhookDelivery.Status> status,
      long before, int limit) {
    return db.preparedQuery(SELECT_PAGE).execute(Tuple.of(endpointId, status.map(Enum::name).orElse(""), before,
        limit + 1)).map(rows -> {
          List<WebhookDelivery> deliveries = new ArrayList<>();
          rows.forEach(row -> deliveries.add(toDelivery(row)));
          return deliveries;
        });
  }

  Future<Integer> sweep(SqlClient db, Duration retention, int max) {
    return db.preparedQuery(SWEEP).execute(Tuple.of(retention.toSeconds(), max)).map(rows -> rows.rowCount());
  }

  private static WebhookDelivery toDelivery(Row row) {
    WebhookDelivery.Status status = WebhookDelivery.Status.valueOf(row.getString("status"));
    UUID connection = row.getUUID("connection_id");
    Integer code = row.getInteger("last_status_code");
    OffsetDateTime next = row.getOffsetDateTime("next_attempt_time");
    return new WebhookDelivery(row.getLong("id"), row.getUUID("endpoint_id"), row.getUUID("event_id"),
        row.getString("event_type"), NO_CONNECTION.equals(connection) ? Optional.empty() : Optional.of(connection),
        status, row.getInteger("attempts"), code == null ? 0 : code, Optional.ofNullable(row.getString("last_error")),
        status == WebhookDelivery.Status.PENDING ? Optional.of(next.toInstant()) : Optional.empty(),
        row.getOffsetDateTime("create_time").toInstant(), row.getOffsetDateTime("update_time").toInstant());
  }
}
