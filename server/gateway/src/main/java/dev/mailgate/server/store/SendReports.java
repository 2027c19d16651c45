package dev.mailgate.server.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.StreamSupport;

/** Reads the send audit log for ReportService: one user's, or the whole tenant's, in a time range. */
public final class SendReports {

  /** Counts and samples of the sends in a range. */
  public record Report(long total, long succeeded, long failed, List<Day> byDay, List<Recipient> topRecipients,
      List<Entry> recent) {}

  public record Day(LocalDate day, long succeeded, long failed) {}

  public record Recipient(String address, long count) {}

  public record Entry(String userId, UUID connectionId, List<String> recipients, String subject, String messageId,
      boolean success, String error, Instant sendTime) {}

  /** Who sent in a range, tenant-wide: how many distinct users, and the ones with the most attempts. */
  public record Senders(long activeUsers, List<Sender> top) {}

  public record Sender(String userId, long attempts, long failed) {}

  private static final int TOP = 10;
  private static final int RECENT = 20;

  /** $1, $2: the range; $3: a user's external id, or null for the whole tenant. */
  private static final String SCOPE = """
      FROM {schema}.send_log l JOIN {schema}.users u ON u.id = l.user_id
      WHERE l.send_time >= $1 AND l.send_time < $2 AND ($3::text IS NULL OR u.external_id = $3)""";
  private static final String BY_DAY = "SELECT (l.send_time AT TIME ZONE 'UTC')::date AS day,"
      + " count(*) FILTER (WHERE l.status = 'SENT') AS ok, count(*) FILTER (WHERE l.status = 'FAILED') AS failed "
      + SCOPE + " GROUP BY 1 ORDER BY 1";
  private static final String TOP_RECIPIENTS = "SELECT lower(r) AS address, count(*) AS n "
      + SCOPE.replace("FROM {schema}.send_log l", "FROM {schema}.send_log l CROSS JOIN LATERAL unnest(l.recipients) AS r")
      + " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT " + TOP;
  private static final String RECENT_SENDS = "SELECT u.external_id, l.connection_id, l.recipients, l.subject,"
      + " l.provider_message_id, l.status, l.error, l.send_time " + SCOPE + " ORDER BY l.send_time DESC, l.id DESC LIMIT "
      + RECENT;

  /** $1, $2: the range. */
  private static final String ACTIVE_USERS = "SELECT count(DISTINCT l.user_id) AS n FROM {schema}.send_log l"
      + " WHERE l.send_time >= $1 AND l.send_time < $2";
  private static final String TOP_SENDERS = "SELECT u.external_id, count(*) AS n,"
      + " count(*) FILTER (WHERE l.status = 'FAILED') AS failed"
      + " FROM {schema}.send_log l JOIN {schema}.users u ON u.id = l.user_id"
      + " WHERE l.send_time >= $1 AND l.send_time < $2 GROUP BY u.external_id ORDER BY 2 DESC, 1 LIMIT " + TOP;

  /** The tenant's senders in the range: how many users sent, and the top 10 by attempts. */
  public Future<Senders> senders(SqlClient db, Instant start, Instant end) {
    Tuple range = Tuple.of(start.atOffset(ZoneOffset.UTC), end.atOffset(ZoneOffset.UTC));
    Future<Long> active = db.preparedQuery(ACTIVE_USERS).execute(range)
        .map(rows -> rows.iterator().next().getLong("n"));
    Future<List<Sender>> top = db.preparedQuery(TOP_SENDERS).execute(range).map(rows -> stream(rows)
        .map(r -> new Sender(r.getString("external_id"), r.getLong("n"), r.getLong("failed"))).toList());
    return Future.all(active, top).map(all -> new Senders(active.result(), top.result()));
  }

  public Future<Report> report(SqlClient db, Instant start, Instant end, Optional<String> userId) {
    Tuple range = Tuple.of(start.atOffset(ZoneOffset.UTC), end.atOffset(ZoneOffset.UTC), userId.orElse(null));
    Future<List<Day>> days = db.preparedQuery(BY_DAY).execute(range).map(rows -> stream(rows)
        .map(r -> new Day(r.getLocalDate("day"), r.getLong("ok"), r.getLong("failed"))).toList());
    Future<List<Recipient>> top = db.preparedQuery(TOP_RECIPIENTS).execute(range).map(rows -> stream(rows)
        .map(r -> new Recipient(r.getString("address"), r.getLong("n"))).toList());
    Future<List<Entry>> recent = db.preparedQuery(RECENT_SENDS).execute(range).map(rows -> stream(rows)
        .map(r -> new Entry(r.getString("external_id"), r.getUUID("connection_id"),
            Arrays.asList(r.getArrayOfStrings("recipients")), r.getString("subject"),
            r.getString("provider_message_id"), "SENT".equals(r.getString("status")), r.getString("error"),
            r.getOffsetDateTime("send_time").toInstant()))
        .toList());
    return Future.all(days, top, recent).map(all -> {
      long succeeded = days.result().stream().mapToLong(Day::succeeded).sum();
      long failed = days.result().stream().mapToLong(Day::failed).sum();
      return new Report(succeeded + failed, succeeded, failed, days.result(), top.result(), recent.result());
    });
  }

  private static java.util.stream.Stream<Row> stream(Iterable<Row> rows) {
    return StreamSupport.stream(rows.spliterator(), false);
  }
}
