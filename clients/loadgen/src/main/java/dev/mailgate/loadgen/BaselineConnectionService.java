package dev.mailgate.loadgen;

import com.google.protobuf.Timestamp;
import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.ConnectionStatus;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.ListConnectionsResponse;
import dev.mailgate.proto.v1.Provider;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * {@code ListConnections} the way a user would write it with grpc-java and JDBC: blocking, on the
 * server's bounded executor, with the gateway's own page query (from {@link DirectTarget}), the
 * gateway's answer shape (the same fields and page size rules as ConnectionApi; plain page tokens
 * where the gateway seals its own with the tenant's key: the benchmark's users have two connections,
 * so no page of theirs needs a token), and
 * NOT_FOUND for an unknown user. Every other RPC of the service answers UNIMPLEMENTED.
 */
final class BaselineConnectionService extends ConnectionServiceGrpc.ConnectionServiceImplBase {

  /** DirectTarget's (the gateway's) query with JDBC placeholders: $1..$4 appear once each, in order. */
  static final String SELECT_PAGE = DirectTarget.SELECT_PAGE_UNQUALIFIED.replaceAll("\\$[1-4]", "?");
  private static final String USER_EXISTS = "SELECT 1 FROM users WHERE external_id = ?";

  private static final int DEFAULT_PAGE_SIZE = 50;
  private static final int MAX_PAGE_SIZE = 1000;
  private static final Pattern USER_ID = Pattern.compile("[\\x21-\\x7E]{1,128}");
  private static final OffsetDateTime END_OF_TIME = OffsetDateTime.of(9999, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
  private static final UUID MAX_UUID = new UUID(-1L, -1L);
  private static final String TOKEN_KIND = "connections";
  private static final char SEPARATOR = '\u001f';

  private final DataSource database;

  BaselineConnectionService(DataSource database) {
    this.database = database;
  }

  @Override
  public void listConnections(ListConnectionsRequest request, StreamObserver<ListConnectionsResponse> responses) {
    try {
      responses.onNext(list(request));
      responses.onCompleted();
    } catch (StatusRuntimeException failed) {
      responses.onError(failed);
    } catch (SQLTransientConnectionException noConnection) {
      responses.onError(Status.UNAVAILABLE.withDescription("the database is unavailable").asRuntimeException());
    } catch (SQLException failed) {
      responses.onError(Status.INTERNAL.withDescription("database error " + failed.getSQLState()).asRuntimeException());
    }
  }

  private ListConnectionsResponse list(ListConnectionsRequest request) throws SQLException {
    String userId = request.getUserId();
    if (!USER_ID.matcher(userId).matches() || request.getPageSize() < 0) {
      throw Status.INVALID_ARGUMENT.withDescription("user_id or page_size is not valid").asRuntimeException();
    }
    int limit = request.getPageSize() == 0 ? DEFAULT_PAGE_SIZE : Math.min(request.getPageSize(), MAX_PAGE_SIZE);
    OffsetDateTime afterTime = END_OF_TIME;
    UUID afterId = MAX_UUID;
    if (!request.getPageToken().isEmpty()) {
      String[] cursor = decodeToken(request.getPageToken(), userId);
      afterTime = Instant.EPOCH.plus(Long.parseLong(cursor[0]), ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
      afterId = UUID.fromString(cursor[1]);
    }
    List<Connection> rows = new ArrayList<>();
    try (java.sql.Connection db = database.getConnection()) {
      try (PreparedStatement page = db.prepareStatement(SELECT_PAGE)) {
        page.setString(1, userId);
        page.setObject(2, afterTime);
        page.setObject(3, afterId);
        page.setInt(4, limit + 1);
        try (ResultSet result = page.executeQuery()) {
          while (result.next()) {
            rows.add(toProto(result));
          }
        }
      }
      if (rows.isEmpty() && request.getPageToken().isEmpty() && !userExists(db, userId)) {
        throw Status.NOT_FOUND.withDescription("user not found").asRuntimeException();
      }
    }
    ListConnectionsResponse.Builder response = ListConnectionsResponse.newBuilder();
    rows.stream().limit(limit).forEach(response::addConnections);
    if (rows.size() > limit) {
      Connection last = rows.get(limit - 1);
      long micros = last.getCreateTime().getSeconds() * 1_000_000 + last.getCreateTime().getNanos() / 1_000;
      response.setNextPageToken(encodeToken(userId, Long.toString(micros), last.getConnectionId()));
    }
    return response.build();
  }

  private static boolean userExists(java.sql.Connection db, String userId) throws SQLException {
    try (PreparedStatement exists = db.prepareStatement(USER_EXISTS)) {
      exists.setString(1, userId);
      try (ResultSet result = exists.executeQuery()) {
        return result.next();
      }
    }
  }

  private static Connection toProto(ResultSet row) throws SQLException {
    Connection.Builder connection = Connection.newBuilder()
        .setConnectionId(row.getObject("id", UUID.class).toString())
        .setUserId(row.getString("external_id"))
        .setProvider(Provider.valueOf("PROVIDER_" + row.getString("provider")))
        .setEmailAddress(row.getString("email_address"))
        .setStatus(ConnectionStatus.valueOf("CONNECTION_STATUS_" + row.getString("status")))
        .setCreateTime(timestamp(row.getObject("create_time", OffsetDateTime.class)))
        .setUpdateTime(timestamp(row.getObject("update_time", OffsetDateTime.class)));
    java.sql.Array scopes = row.getArray("scopes");
    if (scopes != null) {
      for (Object scope : (Object[]) scopes.getArray()) {
        connection.addScopes((String) scope);
      }
    }
    OffsetDateTime lastUsed = row.getObject("last_used_time", OffsetDateTime.class);
    if (lastUsed != null) {
      connection.setLastUsedTime(timestamp(lastUsed));
    }
    return connection.build();
  }

  private static Timestamp timestamp(OffsetDateTime time) {
    Instant instant = time.toInstant();
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  /** A page token: kind and fields, U+001F separated, URL-safe base64 (the gateway's are sealed; see PageTokens). */
  static String encodeToken(String... fields) {
    StringBuilder text = new StringBuilder(TOKEN_KIND);
    for (String field : fields) {
      text.append(SEPARATOR).append(field);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor (create-time micros, id) of a token made for this user, or INVALID_ARGUMENT. */
  private static String[] decodeToken(String token, String userId) {
    try {
      String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8)
          .split(String.valueOf(SEPARATOR), -1);
      if (parts.length == 4 && parts[0].equals(TOKEN_KIND) && parts[1].equals(userId)) {
        Long.parseLong(parts[2]);
        UUID.fromString(parts[3]);
        return new String[] {parts[2], parts[3]};
      }
    } catch (IllegalArgumentException malformed) {
      // the same answer as any other bad token
    }
    throw Status.INVALID_ARGUMENT.withDescription("page_token is not valid").asRuntimeException();
  }
}
