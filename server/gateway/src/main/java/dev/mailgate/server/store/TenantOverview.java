package dev.mailgate.server.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * Reads the figures of a tenant's dashboard that are not in the send audit log: its users, its
 * connections by provider and status, how promptly new mail became events, and how its webhook
 * deliveries fare. Read-only; every statement is bounded by an index, a range or a limit.
 */
public final class TenantOverview {

  /** Lags are measured over at most this many of the newest new-mail events in the range. */
  public static final int LAG_SAMPLE = 10_000;

  /** What the dashboard shows beside the sends. */
  public record Overview(long users, List<ConnectionCount> connections, EventLag events, WebhookHealth webhooks) {}

  public record ConnectionCount(ProviderKind provider, ConnectionStatus status, long count) {}

  /** Events written in the range and, over the newest new-mail events, the time from arrival to event. */
  public record EventLag(long events, long measured, Optional<Duration> median, Optional<Duration> p95,
      Optional<Instant> lastEventTime) {}

  public record WebhookHealth(long endpoints, long disabledEndpoints, long pending, Optional<Duration> oldestPendingAge,
      long succeeded, long deadLettered) {}

  private static final String USERS = "SELECT count(*) AS n FROM {schema}.users";
  private static final String CONNECTIONS = "SELECT provider, status, count(*) AS n FROM {schema}.connections"
      + " GROUP BY provider, status ORDER BY provider, status";
  /** $1, $2: the range. */
  private static final String EVENTS = "SELECT count(*) AS n, max(observe_time) AS last_time FROM {schema}.mailbox_events"
      + " WHERE observe_time >= $1 AND observe_time < $2";
  /**
   * $1, $2: the range; $3: the sample size. The arrival time is the one the provider gave the
   * message (stored with the event); a clock ahead of the gateway's counts as no lag.
   */
  private static final String LAGS = """
      SELECT count(lag_ms) AS measured,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY lag_ms) AS median_ms,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY lag_ms) AS p95_ms
      FROM (SELECT greatest(0, extract(epoch FROM e.observe_time
                   - (e.payload->'message'->>'receiveTime')::timestamptz) * 1000) AS lag_ms
            FROM {schema}.mailbox_events e
            WHERE e.observe_time >= $1 AND e.observe_time < $2 AND e.type = 'MESSAGE_ADDED'
              AND e.payload->'message'->>'receiveTime' IS NOT NULL
            ORDER BY e.observe_time DESC
            LIMIT $3) sample""";
  /** $1, $2: the range (of finished deliveries). */
  private static final String WEBHOOKS = """
      SELECT (SELECT count(*) FROM {schema}.webhook_endpoints) AS endpoints,
             (SELECT count(*) FROM {schema}.webhook_endpoints WHERE NOT enabled) AS disabled,
             (SELECT count(*) FROM {schema}.webhook_deliveries WHERE status = 'PENDING') AS pending,
             (SELECT extract(epoch FROM now() - min(create_time)) * 1000 FROM {schema}.webhook_deliveries
               WHERE status = 'PENDING') AS oldest_pending_ms,
             (SELECT count(*) FROM {schema}.webhook_deliveries
               WHERE status = 'SUCCEEDED' AND update_time >= $1 AND update_time < $2) AS succeeded,
             (SELECT count(*) FROM {schema}.webhook_deliveries
               WHERE status = 'DEAD_LETTERED' AND update_time >= $1 AND update_time < $2) AS dead_lettered""";

  /** The overview of the tenant now, with events and finished deliveries counted in the range. */
  public Future<Overview> overview(SqlClient db, Instant start, Instant end) {
    Tuple range = Tuple.of(start.atOffset(ZoneOffset.UTC), end.atOffset(ZoneOffset.UTC));
    Future<Long> users = db.preparedQuery(USERS).execute().map(rows -> rows.iterator().next().getLong("n"));
    Future<List<ConnectionCount>> connections = db.preparedQuery(CONNECTIONS).execute().map(rows ->
        StreamSupport.stream(rows.spliterator(), false).map(r -> new ConnectionCount(
            ProviderKind.stored(r.getString("provider")), ConnectionStatus.valueOf(r.getString("status")),
            r.getLong("n"))).toList());
    Future<Row> events = db.preparedQuery(EVENTS).execute(range).map(rows -> rows.iterator().next());
    Future<Row> lags = db.preparedQuery(LAGS).execute(Tuple.of(range.getValue(0), range.getValue(1), LAG_SAMPLE))
        .map(rows -> rows.iterator().next());
    Future<Row> webhooks = db.preparedQuery(WEBHOOKS).execute(range).map(rows -> rows.iterator().next());
    return Future.all(users, connections, events, lags, webhooks).map(all -> new Overview(users.result(),
        connections.result(), eventLag(events.result(), lags.result()), webhookHealth(webhooks.result())));
  }

  private static EventLag eventLag(Row events, Row lags) {
    OffsetDateTime last = events.getOffsetDateTime("last_time");
    return new EventLag(events.getLong("n"), lags.getLong("measured"), millis(lags, "median_ms"),
        millis(lags, "p95_ms"), Optional.ofNullable(last).map(OffsetDateTime::toInstant));
  }

  private static WebhookHealth webhookHealth(Row row) {
    return new WebhookHealth(row.getLong("endpoints"), row.getLong("disabled"), row.getLong("pending"),
        millis(row, "oldest_pending_ms"), row.getLong("succeeded"), row.getLong("dead_lettered"));
  }

  /** A column of milliseconds (a double or numeric, possibly null) as a duration. */
  private static Optional<Duration> millis(Row row, String column) {
    Object value = row.getValue(column);
    return value instanceof Number number
        ? Optional.of(Duration.ofNanos(Math.max(0, Math.round(number.doubleValue() * 1_000_000))))
        : Optional.empty();
  }
}
