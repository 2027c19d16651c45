package dev.mailgate.server.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tenant's {@code audit_events} table: batches written with one statement, a user's entries
 * read newest first from a keyset position, and bounded retention sweeps.
 */
public final class AuditStore {

  /** Every row of a batch in one statement: one array per column, unnested into rows. */
  static final String INSERT = """
      INSERT INTO {schema}.audit_events
        (call_time, actor_type, actor_id, user_id, connection_id, method, status, reason, request_id)
      SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
        $7::text[], $8::text[], $9::text[])""";
  /** A user's entries in [$2, $3), before position ($4, $5), newest first; $6 rows. */
  static final String LIST = """
      SELECT id, call_time, actor_type, actor_id, user_id, connection_id, method, status, reason, request_id
      FROM {schema}.audit_events
      WHERE user_id = $1 AND call_time >= $2 AND call_time < $3 AND (call_time, id) < ($4::timestamptz, $5::bigint)
      ORDER BY call_time DESC, id DESC
      LIMIT $6""";
  /** Deletes up to $2 entries older than $1 seconds, oldest first. */
  static final String SWEEP = """
      WITH old AS (
        SELECT id FROM {schema}.audit_events
        WHERE call_time < now() - $1::bigint * interval '1 second'
        ORDER BY call_time LIMIT $2)
      DELETE FROM {schema}.audit_events a USING old WHERE a.id = old.id""";

  /** Writes {@code batch} with one statement. */
  public Future<Void> insert(SqlClient db, List<AuditRecord> batch) {
    int n = batch.size();
    OffsetDateTime[] time = new OffsetDateTime[n];
    String[] actorType = new String[n];
    String[] actorId = new String[n];
    String[] userId = new String[n];
    String[] connectionId = new String[n];
    String[] method = new String[n];
    String[] status = new String[n];
    String[] reason = new String[n];
    String[] requestId = new String[n];
    for (int i = 0; i < n; i++) {
      AuditRecord record = batch.get(i);
      time[i] = OffsetDateTime.ofInstant(record.time(), ZoneOffset.UTC);
      actorType[i] = record.actorType().name();
      actorId[i] = record.actorId();
      userId[i] = record.userId();
      connectionId[i] = record.connectionId();
      method[i] = record.method();
      status[i] = record.status();
      reason[i] = record.reason();
      requestId[i] = record.requestId();
    }
    return db.preparedQuery(INSERT)
        .execute(Tuple.tuple().addValue(time).addValue(actorType).addValue(actorId).addValue(userId)
            .addValue(connectionId).addValue(method).addValue(status).addValue(reason).addValue(requestId))
        .mapEmpty();
  }

  /**
   * Up to {@code limit} entries of {@code userId} at or after {@code start} and before {@code end},
   * newest first, after {@code position} (the last entry of the previous page) if given.
   */
  public Future<AuditPage> list(SqlClient db, String userId, Instant start, Instant end, Optional<String> position,
      int limit) {
    OffsetDateTime before = OffsetDateTime.ofInstant(end, ZoneOffset.UTC);
    long beforeId = Long.MIN_VALUE;
    if (position.isPresent()) {
      String[] parts = position.get().split(",", 2);
      long micros = Long.parseLong(parts[0]);
      before = OffsetDateTime.ofInstant(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
          Math.floorMod(micros, 1_000_000L) * 1000L), ZoneOffset.UTC);
      beforeId = Long.parseLong(parts[1]);
    }
    return db.preparedQuery(LIST)
        .execute(Tuple.of(userId, OffsetDateTime.ofInstant(start, ZoneOffset.UTC),
            OffsetDateTime.ofInstant(end, ZoneOffset.UTC), before, beforeId, limit + 1))
        .map(rows -> {
          List<AuditRecord> entries = new ArrayList<>();
          long lastId = 0;
          for (Row row : rows) {
            if (entries.size() == limit) {
              break;
            }
            entries.add(toRecord(row));
            lastId = row.getLong("id");
          }
          Optional<String> next = rows.size() > limit
              ? Optional.of(position(entries.get(entries.size() - 1).time(), lastId)) : Optional.empty();
          return new AuditPage(entries, next);
        });
  }

  /** Deletes up to {@code max} entries older than {@code retention}; returns how many it deleted. */
  public Future<Integer> sweep(SqlClient db, Duration retention, int max) {
    return db.preparedQuery(SWEEP).execute(Tuple.of(retention.toSeconds(), max)).map(rows -> rows.rowCount());
  }

  /** A keyset position: the entry's time in microseconds since the epoch, and its id. */
  static String position(Instant time, long id) {
    long micros = Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1000L);
    return micros + "," + id;
  }

  private static AuditRecord toRecord(Row row) {
    return new AuditRecord(row.getOffsetDateTime("call_time").toInstant(),
        AuditRecord.ActorType.valueOf(row.getString("actor_type")), row.getString("actor_id"),
        row.getString("user_id"), row.getString("connection_id"), row.getString("method"), row.getString("status"),
        row.getString("reason"), row.getString("request_id"));
  }
}
