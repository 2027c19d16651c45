package dev.mailgate.server.store;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

/** Users in one tenant's database. */
public final class UserStore {

  private static final String COLUMNS = """
      u.external_id, u.email, u.create_time, u.update_time,
      (SELECT count(*) FROM {schema}.connections c WHERE c.user_id = u.id)::int AS connection_count""";

  private static final String INSERT = """
      WITH inserted AS (
        INSERT INTO {schema}.users (external_id, email) VALUES ($1, $2)
        ON CONFLICT (external_id) DO NOTHING
        RETURNING *)
      SELECT u.external_id, u.email, u.create_time, u.update_time, 0 AS connection_count
      FROM inserted u""";
  private static final String SELECT_ONE = "SELECT " + COLUMNS + " FROM {schema}.users u WHERE u.external_id = $1";
  private static final String SELECT_PAGE =
      "SELECT " + COLUMNS + " FROM {schema}.users u WHERE u.external_id > $1 ORDER BY u.external_id LIMIT $2";
  private static final String DELETE = "DELETE FROM {schema}.users WHERE external_id = $1";

  /** Creates a user; fails with USER_EXISTS if the id is taken. */
  public Future<UserRecord> create(SqlClient db, String userId, String email) {
    return db.preparedQuery(INSERT).execute(Tuple.of(userId, email)).map(rows -> {
      if (rows.rowCount() == 0) {
        throw new GatewayException(Reason.USER_EXISTS, "user already exists");
      }
      return toUser(rows.iterator().next());
    });
  }

  /** Creates the user if it does not exist yet, and returns it either way. */
  public Future<UserRecord> ensure(SqlClient db, String userId, String email) {
    return create(db, userId, email).recover(error -> error instanceof GatewayException e
        && e.reason() == Reason.USER_EXISTS ? get(db, userId) : Future.failedFuture(error));
  }

  /** Returns a user; fails with USER_NOT_FOUND. */
  public Future<UserRecord> get(SqlClient db, String userId) {
    return find(db, userId).map(user -> user.orElseThrow(UserStore::notFound));
  }

  public Future<Optional<UserRecord>> find(SqlClient db, String userId) {
    return db.preparedQuery(SELECT_ONE).execute(Tuple.of(userId)).map(rows ->
        rows.rowCount() == 0 ? Optional.empty() : Optional.of(toUser(rows.iterator().next())));
  }

  /** Returns up to {@code limit} users ordered by id, after {@code afterUserId} if given. */
  public Future<Page<UserRecord>> list(SqlClient db, int limit, Optional<String> afterUserId) {
    return db.preparedQuery(SELECT_PAGE).execute(Tuple.of(afterUserId.orElse(""), limit + 1)).map(rows -> {
      List<UserRecord> users = StreamSupport.stream(rows.spliterator(), false).map(UserStore::toUser).toList();
      return Page.of(users, limit, UserRecord::userId);
    });
  }

  /** Deletes a user and, through the foreign key, all of its connections; fails with USER_NOT_FOUND. */
  public Future<Void> delete(SqlClient db, String userId) {
    return db.preparedQuery(DELETE).execute(Tuple.of(userId)).map(rows -> {
      if (rows.rowCount() == 0) {
        throw notFound();
      }
      return null;
    });
  }

  private static GatewayException notFound() {
    return new GatewayException(Reason.USER_NOT_FOUND, "user not found");
  }

  private static UserRecord toUser(Row row) {
    return new UserRecord(
        row.getString("external_id"),
        row.getString("email"),
        row.getInteger("connection_count"),
        row.getOffsetDateTime("create_time").toInstant(),
        row.getOffsetDateTime("update_time").toInstant());
  }
}
