package dev.mailgate.server.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Idempotency records of sends, keyed by (user, request_id); kept at least 24 hours. */
public final class SendRequestStore {

  /** A stored send request. */
  public record SendRequest(UUID connectionId, byte[] payloadSha256, String messageIdHeader, String state,
      String providerMessageId, String providerThreadId, Instant updateTime) {}

  private static final String CLAIM = """
      INSERT INTO {schema}.send_requests (user_id, request_id, connection_id, payload_sha256, message_id_header, state)
      SELECT u.id, $2, $3, $4, $5, 'PENDING' FROM {schema}.users u WHERE u.external_id = $1
      ON CONFLICT (user_id, request_id) DO NOTHING""";
  private static final String READ = """
      SELECT r.connection_id, r.payload_sha256, r.message_id_header, r.state, r.provider_message_id,
             r.provider_thread_id, r.update_time
      FROM {schema}.send_requests r JOIN {schema}.users u ON u.id = r.user_id
      WHERE u.external_id = $1 AND r.request_id = $2""";
  private static final String TAKE_OVER = """
      UPDATE {schema}.send_requests r SET state = 'PENDING', update_time = now(), error = NULL
      FROM {schema}.users u WHERE u.id = r.user_id AND u.external_id = $1 AND r.request_id = $2 AND r.state = $3
        AND r.update_time = $4""";
  private static final String FINISH = """
      UPDATE {schema}.send_requests r SET state = $3, provider_message_id = $4, provider_thread_id = $5, error = $6,
        update_time = now()
      FROM {schema}.users u WHERE u.id = r.user_id AND u.external_id = $1 AND r.request_id = $2""";
  private static final String PURGE = "DELETE FROM {schema}.send_requests WHERE create_time < now() - interval '7 days'";

  /** Claims the key for a first send; false if a record with this key exists already. */
  public Future<Boolean> claim(SqlClient db, String userId, String requestId, UUID connectionId, byte[] payloadSha256,
      String messageIdHeader) {
    return db.query(PURGE).execute()
        .compose(purged -> db.preparedQuery(CLAIM)
            .execute(Tuple.of(userId, requestId, connectionId, Buffer.buffer(payloadSha256), messageIdHeader)))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Optional<SendRequest>> read(SqlClient db, String userId, String requestId) {
    return db.preparedQuery(READ).execute(Tuple.of(userId, requestId)).map(rows ->
        rows.rowCount() == 0 ? Optional.empty() : Optional.of(toRequest(rows.iterator().next())));
  }

  /** Claims a record in {@code state} last changed at {@code seen} again; false if someone else did first. */
  public Future<Boolean> takeOver(SqlClient db, String userId, String requestId, SendRequest seen) {
    return db.preparedQuery(TAKE_OVER)
        .execute(Tuple.of(userId, requestId, seen.state(), seen.updateTime().atOffset(java.time.ZoneOffset.UTC)))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Void> sent(SqlClient db, String userId, String requestId, String messageId, String threadId) {
    return db.preparedQuery(FINISH).execute(Tuple.of(userId, requestId, "SENT", messageId, threadId, null)).mapEmpty();
  }

  /** The provider failed without telling whether it sent: a retry looks the message up first. */
  public Future<Void> unknown(SqlClient db, String userId, String requestId, String error) {
    return db.preparedQuery(FINISH).execute(Tuple.of(userId, requestId, "UNKNOWN", null, null, error)).mapEmpty();
  }

  /** The provider certainly did not send: a retry with this key may send. */
  public Future<Void> failed(SqlClient db, String userId, String requestId, String error) {
    return db.preparedQuery(FINISH).execute(Tuple.of(userId, requestId, "FAILED", null, null, error)).mapEmpty();
  }

  private static SendRequest toRequest(Row row) {
    return new SendRequest(row.getUUID("connection_id"), row.getBuffer("payload_sha256").getBytes(),
        row.getString("message_id_header"), row.getString("state"), row.getString("provider_message_id"),
        row.getString("provider_thread_id"), row.getOffsetDateTime("update_time").toInstant());
  }
}
