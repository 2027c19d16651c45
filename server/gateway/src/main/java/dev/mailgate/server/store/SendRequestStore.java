package dev.mailgate.server.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Idempotency records of sends, keyed by (user, request_id); kept at least 24 hours. Each claim
 * of a record (the first, or a takeover) gets a new {@code generation} and a {@code deadline};
 * every write of an attempt names its generation and changes nothing once another attempt holds
 * the record. A PENDING record can be taken over only after its deadline. Times are the
 * database's, so gateways with different clocks agree.
 */
public final class SendRequestStore {

  /** A stored send request; {@code remaining} is the time to its deadline (negative once passed). */
  public record SendRequest(UUID connectionId, byte[] payloadSha256, String messageIdHeader, String state,
      String providerMessageId, String providerThreadId, long generation, Instant deadline, Duration remaining,
      Optional<String> providerDraftId) {

    public boolean expired() {
      return remaining.isNegative() || remaining.isZero();
    }
  }

  /** A claim this attempt holds: its generation, the time left to its deadline, what an earlier attempt prepared. */
  public record Claim(long generation, Duration remaining, Optional<String> providerDraftId) {}

  private static final String CLAIM = """
      INSERT INTO {schema}.send_requests (user_id, request_id, connection_id, payload_sha256, message_id_header, state,
        generation, deadline)
      SELECT u.id, $2, $3, $4, $5, 'PENDING', 1, now() + $6::bigint * interval '1 millisecond'
      FROM {schema}.users u WHERE u.external_id = $1
      ON CONFLICT (user_id, request_id) DO NOTHING
      RETURNING generation, (extract(epoch FROM deadline - now()) * 1000)::bigint AS remaining_ms, provider_draft_id""";
  private static final String READ = """
      SELECT r.connection_id, r.payload_sha256, r.message_id_header, r.state, r.provider_message_id,
             r.provider_thread_id, r.generation, r.deadline, r.provider_draft_id,
             (extract(epoch FROM r.deadline - now()) * 1000)::bigint AS remaining_ms
      FROM {schema}.send_requests r JOIN {schema}.users u ON u.id = r.user_id
      WHERE u.external_id = $1 AND r.request_id = $2""";
  private static final String TAKE_OVER = """
      UPDATE {schema}.send_requests r SET state = 'PENDING', generation = r.generation + 1,
        deadline = now() + $4::bigint * interval '1 millisecond', update_time = now(), error = NULL
      FROM {schema}.users u WHERE u.id = r.user_id AND u.external_id = $1 AND r.request_id = $2 AND r.generation = $3
        AND (r.state IN ('FAILED', 'UNKNOWN') OR (r.state = 'PENDING' AND r.deadline <= now()))
      RETURNING r.generation, (extract(epoch FROM r.deadline - now()) * 1000)::bigint AS remaining_ms,
        r.provider_draft_id""";
  private static final String PREPARED = """
      UPDATE {schema}.send_requests r SET provider_draft_id = $4, update_time = now()
      FROM {schema}.users u WHERE u.id = r.user_id AND u.external_id = $1 AND r.request_id = $2 AND r.generation = $3
        AND r.state = 'PENDING' AND r.deadline > now() + $5::bigint * interval '1 millisecond'""";
  private static final String FINISH = """
      UPDATE {schema}.send_requests r SET state = $4, provider_message_id = $5, provider_thread_id = $6, error = $7,
        update_time = now()
      FROM {schema}.users u WHERE u.id = r.user_id AND u.external_id = $1 AND r.request_id = $2 AND r.generation = $3
        AND r.state = 'PENDING'""";
  private static final String PURGE = "DELETE FROM {schema}.send_requests WHERE create_time < now() - interval '7 days'";

  /** Claims the key for a first send (deadline: now + {@code lease}); empty if a record with this key exists already. */
  public Future<Optional<Claim>> claim(SqlClient db, String userId, String requestId, UUID connectionId,
      byte[] payloadSha256, String messageIdHeader, Duration lease) {
    return db.query(PURGE).execute()
        .compose(purged -> db.preparedQuery(CLAIM).execute(Tuple.of(userId, requestId, connectionId,
            Buffer.buffer(payloadSha256), messageIdHeader, lease.toMillis())))
        .map(SendRequestStore::claimOf);
  }

  public Future<Optional<SendRequest>> read(SqlClient db, String userId, String requestId) {
    return db.preparedQuery(READ).execute(Tuple.of(userId, requestId)).map(rows ->
        rows.rowCount() == 0 ? Optional.empty() : Optional.of(toRequest(rows.iterator().next())));
  }

  /**
   * Claims {@code seen} again (FAILED, UNKNOWN, or PENDING past its deadline) with a new
   * generation and deadline; empty if it changed since it was read or its holder's deadline has
   * not passed.
   */
  public Future<Optional<Claim>> takeOver(SqlClient db, String userId, String requestId, SendRequest seen,
      Duration lease) {
    return db.preparedQuery(TAKE_OVER).execute(Tuple.of(userId, requestId, seen.generation(), lease.toMillis()))
        .map(SendRequestStore::claimOf);
  }

  /**
   * Records the provider's draft this send goes out as, if {@code generation} still holds the
   * claim with more than {@code atLeast} left to its deadline; false otherwise.
   */
  public Future<Boolean> prepared(SqlClient db, String userId, String requestId, long generation, String draftId,
      Duration atLeast) {
    return db.preparedQuery(PREPARED).execute(Tuple.of(userId, requestId, generation, draftId, atLeast.toMillis()))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Records a send; false if {@code generation} no longer holds the claim. */
  public Future<Boolean> sent(SqlClient db, String userId, String requestId, long generation, String messageId,
      String threadId) {
    return finish(db, Tuple.of(userId, requestId, generation, "SENT", messageId, threadId, null));
  }

  /** The provider failed without telling whether it sent: a retry looks the message up first. */
  public Future<Boolean> unknown(SqlClient db, String userId, String requestId, long generation, String error) {
    return finish(db, Tuple.of(userId, requestId, generation, "UNKNOWN", null, null, error));
  }

  /** The provider certainly did not send: a retry with this key may send. */
  public Future<Boolean> failed(SqlClient db, String userId, String requestId, long generation, String error) {
    return finish(db, Tuple.of(userId, requestId, generation, "FAILED", null, null, error));
  }

  private static Future<Boolean> finish(SqlClient db, Tuple values) {
    return db.preparedQuery(FINISH).execute(values).map(rows -> rows.rowCount() == 1);
  }

  private static Optional<Claim> claimOf(RowSet<Row> rows) {
    if (rows.rowCount() == 0) {
      return Optional.empty();
    }
    Row row = rows.iterator().next();
    return Optional.of(new Claim(row.getLong("generation"), Duration.ofMillis(row.getLong("remaining_ms")),
        Optional.ofNullable(row.getString("provider_draft_id"))));
  }

  private static SendRequest toRequest(Row row) {
    return new SendRequest(row.getUUID("connection_id"), row.getBuffer("payload_sha256").getBytes(),
        row.getString("message_id_header"), row.getString("state"), row.getString("provider_message_id"),
        row.getString("provider_thread_id"), row.getLong("generation"),
        row.getOffsetDateTime("deadline").toInstant(), Duration.ofMillis(row.getLong("remaining_ms")),
        Optional.ofNullable(row.getString("provider_draft_id")));
  }
}
