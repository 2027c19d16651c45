package dev.mailgate.server.events;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The tenant's event log ({@code mailbox_events}): appends in the producer's transaction, reads
 * from a position, and retention.
 *
 * <p>No silent gaps: a read passes only events whose transaction id is below the reading
 * snapshot's xmin (the oldest transaction still in flight), so every transaction that could still
 * commit an event has a higher id than anything passed; an event that commits late is read later,
 * never skipped. "Now" is the position (xmin, 0): at least once, a few events committed just before
 * may be read again.
 *
 * <p>Per-connection order: see {@link #append}.
 */
public final class EventLog {

  /**
   * Serialises the appends of one connection without giving the transaction an id (advisory locks
   * are not writes), so the transaction id is assigned by the next statement, under the lock. (Read
   * from the one-row retention table so that, like every tenant statement, it names the schema.)
   */
  private static final String LOCK_CONNECTION = """
      SELECT pg_advisory_xact_lock(hashtextextended('mailgate.events/' || $1::text, 0))
      FROM {schema}.mailbox_event_retention""";
  /**
   * Takes the connection's next sequences. Refuses (no row) if a transaction with a higher id already
   * appended to this connection: its events would come later in the log with lower sequences.
   */
  private static final String TAKE_SEQUENCES = """
      INSERT INTO {schema}.connection_event_state AS s (connection_id, last_sequence, last_tx_id)
      VALUES ($1, $2, pg_current_xact_id())
      ON CONFLICT (connection_id) DO UPDATE
        SET last_sequence = s.last_sequence + EXCLUDED.last_sequence, last_tx_id = EXCLUDED.last_tx_id
        WHERE s.last_tx_id <= EXCLUDED.last_tx_id
      RETURNING last_sequence""";
  private static final String INSERT = """
      INSERT INTO {schema}.mailbox_events (event_id, connection_id, user_id, sequence, type, payload)
      SELECT $1, c.id, c.user_id, $3, $4, $5 FROM {schema}.connections c WHERE c.id = $2""";
  /**
   * One snapshot for the retention horizon and the events: a sweep that deletes events and moves
   * the horizon commits both at once, so a read sees either the events or the moved horizon. One
   * statement per kind of scope (in place of the {@code scope} comment), each with its own index.
   */
  private static final String READ = """
      WITH horizon AS (
        SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin,
               (deleted_tx_id, deleted_id) > ($1::text::xid8, $2::bigint) AS expired
        FROM {schema}.mailbox_event_retention)
      SELECT h.xmin::text AS xmin, h.expired, e.tx_id::text AS tx_id, e.id, e.event_id, e.connection_id,
             e.external_id, e.email_address, e.sequence, e.type, e.observe_time, e.payload
      FROM horizon h LEFT JOIN LATERAL (
        SELECT e.tx_id, e.id, e.event_id, e.connection_id, u.external_id, c.email_address,
               e.sequence, e.type, e.observe_time, e.payload
        FROM {schema}.mailbox_events e
        JOIN {schema}.connections c ON c.id = e.connection_id
        JOIN {schema}.users u ON u.id = e.user_id
        WHERE (e.tx_id, e.id) > ($1::text::xid8, $2::bigint) AND e.tx_id < h.xmin AND NOT h.expired AND /* scope */ true
        ORDER BY e.tx_id, e.id
        LIMIT $3) e ON true
      ORDER BY e.tx_id, e.id""";
  private static final String READ_CONNECTION = READ.replace("/* scope */ true", "e.connection_id = $4");
  private static final String READ_USER = READ.replace("/* scope */ true",
      "e.user_id = (SELECT id FROM {schema}.users WHERE external_id = $4)");
  private static final String READ_TENANT = READ.replace("/* scope */ true", """
      (cardinality($4::uuid[]) = 0 OR e.connection_id = ANY($4))
          AND (cardinality($5::text[]) = 0 OR u.external_id = ANY($5))
          AND (cardinality($6::text[]) = 0 OR e.type = ANY($6) OR e.type = 'RESYNC_REQUIRED')""");
  private static final String NOW =
      "SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin FROM {schema}.mailbox_event_retention";
  /** Deletes up to $2 events older than $1 seconds and moves the horizon past the highest deleted. */
  private static final String SWEEP = """
      WITH deleted AS (
        DELETE FROM {schema}.mailbox_events e USING (
          SELECT tx_id, id FROM {schema}.mailbox_events
          WHERE observe_time < now() - $1::bigint * interval '1 second'
          ORDER BY observe_time LIMIT $2) old
        WHERE e.tx_id = old.tx_id AND e.id = old.id
        RETURNING e.tx_id, e.id),
      highest AS (SELECT tx_id, id FROM deleted ORDER BY tx_id DESC, id DESC LIMIT 1),
      moved AS (
        UPDATE {schema}.mailbox_event_retention r SET deleted_tx_id = h.tx_id, deleted_id = h.id
        FROM highest h WHERE (h.tx_id, h.id) > (r.deleted_tx_id, r.deleted_id)
        RETURNING 1)
      SELECT count(*) AS deleted FROM deleted""";

  /** Hears every successful append (its events' types, before the transaction commits): metrics. */
  private volatile java.util.function.Consumer<List<NewEvent>> appends = events -> { };

  /** Tells {@code listener} of the events each append wrote (in a transaction that may still roll back). */
  public void onAppended(java.util.function.Consumer<List<NewEvent>> listener) {
    this.appends = listener;
  }

  /**
   * Appends events of one connection in the caller's transaction and returns their sequences.
   *
   * <p>Contract: call this before the transaction's first write (before any INSERT, UPDATE,
   * DELETE or SELECT ... FOR UPDATE), and then, if it must, write the rest. It takes the
   * connection's append lock and then the transaction's id under it, so that for one connection
   * sequence order is log order. A transaction that wrote earlier already has an id; if a
   * transaction with a later id appended to the same connection first, this append fails
   * ({@link EventOrderConflict}) rather than put the connection's events out of order; the caller
   * may retry its transaction.
   */
  public Future<List<Long>> append(SqlClient tx, UUID connectionId, List<NewEvent> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return tx.preparedQuery(LOCK_CONNECTION).execute(Tuple.of(connectionId.toString()))
        .compose(locked -> tx.preparedQuery(TAKE_SEQUENCES).execute(Tuple.of(connectionId, (long) events.size())))
        .compose(rows -> {
          if (rows.rowCount() == 0) {
            return Future.failedFuture(new EventOrderConflict(connectionId));
          }
          long last = rows.iterator().next().getLong("last_sequence");
          long first = last - events.size() + 1;
          List<Tuple> batch = new ArrayList<>();
          List<Long> sequences = new ArrayList<>();
          for (int i = 0; i < events.size(); i++) {
            NewEvent event = events.get(i);
            sequences.add(first + i);
            batch.add(Tuple.of(UUID.randomUUID(), connectionId, first + i, event.type().name(), EventPayload.of(event)));
          }
          return tx.preparedQuery(INSERT).executeBatch(batch).map(inserted -> {
            appends.accept(events);
            return List.copyOf(sequences);
          });
        });
  }

  /** The position "now": reading from it passes every event not yet committed (and perhaps a few that were). */
  public Future<LogPosition> now(SqlClient db) {
    return db.preparedQuery(NOW).execute().map(rows -> new LogPosition(
        Long.parseUnsignedLong(rows.iterator().next().getString("xmin")), 0));
  }

  /** Up to {@code limit} events of the scope after {@code after}, in log order. */
  public Future<EventPage> read(SqlClient db, EventScope scope, LogPosition after, int limit) {
    Tuple params = Tuple.tuple()
        .addString(Long.toUnsignedString(after.txId()))
        .addLong(after.id())
        .addInteger(limit);
    String sql;
    if (scope.connection().isPresent()) {
      sql = READ_CONNECTION;
      params.addUUID(scope.connection().get());
    } else if (scope.user().isPresent()) {
      sql = READ_USER;
      params.addString(scope.user().get());
    } else {
      sql = READ_TENANT;
      params.addArrayOfUUID(scope.connections().toArray(UUID[]::new))
          .addArrayOfString(scope.users().toArray(String[]::new))
          .addArrayOfString(scope.types().stream().map(Enum::name).toArray(String[]::new));
    }
    return db.preparedQuery(sql).execute(params).map(rows -> {
      List<StoredEvent> events = new ArrayList<>();
      LogPosition now = null;
      boolean expired = false;
      for (Row row : rows) {
        now = new LogPosition(Long.parseUnsignedLong(row.getString("xmin")), 0);
        expired = row.getBoolean("expired");
        if (row.getString("tx_id") != null) {
          events.add(toEvent(row));
        }
      }
      if (expired) {
        return new EventPage(List.of(), now, true);
      }
      // A short page read everything below xmin: the next read may start at (xmin, 0).
      LogPosition next = events.size() < limit ? after.max(now)
          : events.get(events.size() - 1).position();
      return new EventPage(List.copyOf(events), next, false);
    });
  }

  /**
   * Deletes up to {@code max} events older than {@code retention} and records the highest position
   * deleted (cursors below it then read as expired); returns how many it deleted.
   */
  public Future<Long> sweep(SqlClient db, Duration retention, int max) {
    return db.preparedQuery(SWEEP).execute(Tuple.of(retention.toSeconds(), max))
        .map(rows -> rows.iterator().next().getLong("deleted"));
  }

  private static StoredEvent toEvent(Row row) {
    JsonObject payload = (JsonObject) row.getValue("payload");
    return new StoredEvent(
        new LogPosition(Long.parseUnsignedLong(row.getString("tx_id")), row.getLong("id")),
        row.getUUID("event_id"), row.getUUID("connection_id"), row.getString("external_id"),
        row.getString("email_address"), row.getLong("sequence"), EventType.valueOf(row.getString("type")),
        row.getOffsetDateTime("observe_time").toInstant(),
        EventPayload.message(payload), EventPayload.labels(payload), EventPayload.status(payload));
  }
}
