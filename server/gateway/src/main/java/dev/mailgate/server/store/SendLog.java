package dev.mailgate.server.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;

/** The send audit log: every send and send failure, for ReportService. Never a message body. */
public final class SendLog {

  private static final String INSERT = """
      INSERT INTO {schema}.send_log (user_id, connection_id, recipients, subject, provider_message_id, status, error)
      SELECT u.id, $2, $3, $4, $5, $6, $7 FROM {schema}.users u WHERE u.external_id = $1""";

  public Future<Void> record(SqlClient db, String userId, UUID connectionId, List<String> recipients, String subject,
      String providerMessageId, boolean success, String error) {
    return db.preparedQuery(INSERT).execute(Tuple.of(userId, connectionId, recipients.toArray(String[]::new), subject,
        providerMessageId, success ? "SENT" : "FAILED", error)).mapEmpty();
  }
}
