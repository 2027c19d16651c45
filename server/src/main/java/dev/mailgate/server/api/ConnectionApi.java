package dev.mailgate.server.api;

import com.google.protobuf.Empty;
import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpcService;
import dev.mailgate.proto.v1.DeleteConnectionRequest;
import dev.mailgate.proto.v1.GetConnectionRequest;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.ListConnectionsResponse;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.server.auth.Caller;
import dev.mailgate.server.store.ConnectionCursor;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ConnectionStore;
import dev.mailgate.server.store.Page;
import dev.mailgate.server.store.UserStore;
import io.vertx.core.Future;
import io.vertx.grpc.server.Service;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** mailgate.v1.ConnectionService: a user's connected mailboxes, always checked for ownership. */
public final class ConnectionApi {

  private static final String TOKEN_KIND = "connections";
  private static final String OAUTH_MISSING = "the OAuth connect flow (Gmail and Outlook) is not built yet";

  private final UserStore users;
  private final ConnectionStore connections;

  public ConnectionApi(UserStore users, ConnectionStore connections) {
    this.users = users;
    this.connections = connections;
  }

  public Service service(RpcBinder binder) {
    return binder.service(ConnectionServiceGrpcService.SERVICE_NAME, ConnectionServiceGrpcService.SERVICE_DESCRIPTOR)
        .notYet(ConnectionServiceGrpcService.StartAuthorization, OAUTH_MISSING)
        .notYet(ConnectionServiceGrpcService.CompleteAuthorization, OAUTH_MISSING)
        .notYet(ConnectionServiceGrpcService.CreateImapConnection, "the IMAP/SMTP provider is not built yet")
        .unary(ConnectionServiceGrpcService.ListConnections, this::listConnections)
        .unary(ConnectionServiceGrpcService.GetConnection, this::getConnection)
        .notYet(ConnectionServiceGrpcService.CheckConnection, "live provider checks come with the providers")
        .unary(ConnectionServiceGrpcService.DeleteConnection, this::deleteConnection)
        .build();
  }

  Future<ListConnectionsResponse> listConnections(Caller caller, ListConnectionsRequest request) {
    new FieldChecks().userId("user_id", request.getUserId()).pageSize(request.getPageSize()).orThrow();
    Optional<ConnectionCursor> after = request.getPageToken().isEmpty()
        ? Optional.empty()
        : Optional.of(decodeCursor(request.getPageToken(), request.getUserId()));
    int limit = FieldChecks.effectivePageSize(request.getPageSize());
    return caller.tenant().pool().compose(db -> users.get(db, request.getUserId())
            .compose(user -> connections.list(db, request.getUserId(), limit, after)))
        .map(page -> toResponse(page, request.getUserId()));
  }

  Future<Connection> getConnection(Caller caller, GetConnectionRequest request) {
    new FieldChecks().userId("user_id", request.getUserId())
        .required("connection_id", request.getConnectionId()).orThrow();
    return caller.tenant().pool()
        .compose(db -> connections.getOwned(db, request.getUserId(), request.getConnectionId()))
        .map(ConnectionApi::toProto);
  }

  Future<Empty> deleteConnection(Caller caller, DeleteConnectionRequest request) {
    new FieldChecks().userId("user_id", request.getUserId())
        .required("connection_id", request.getConnectionId()).orThrow();
    // revoke_provider_access is honoured once connections hold provider grants (OAuth issue);
    // until then there is nothing stored at a provider to revoke.
    return caller.tenant().pool()
        .compose(db -> connections.deleteOwned(db, request.getUserId(), request.getConnectionId()))
        .map(Empty.getDefaultInstance());
  }

  private static ConnectionCursor decodeCursor(String token, String userId) {
    List<String> fields = PageTokens.decode(token, TOKEN_KIND, 3);
    if (!fields.get(0).equals(userId)) {
      throw PageTokens.invalid();
    }
    try {
      Instant time = Instant.EPOCH.plus(Long.parseLong(fields.get(1)), ChronoUnit.MICROS);
      return new ConnectionCursor(time, UUID.fromString(fields.get(2)));
    } catch (IllegalArgumentException | java.time.DateTimeException bad) {
      throw PageTokens.invalid();
    }
  }

  private static ListConnectionsResponse toResponse(Page<ConnectionRecord> page, String userId) {
    ListConnectionsResponse.Builder response = ListConnectionsResponse.newBuilder();
    page.items().forEach(connection -> response.addConnections(toProto(connection)));
    if (page.hasMore()) {
      ConnectionRecord last = page.items().get(page.items().size() - 1);
      long micros = ChronoUnit.MICROS.between(Instant.EPOCH, last.createTime());
      response.setNextPageToken(PageTokens.encode(TOKEN_KIND, userId, Long.toString(micros), last.id().toString()));
    }
    return response.build();
  }

  static Connection toProto(ConnectionRecord connection) {
    Connection.Builder proto = Connection.newBuilder()
        .setConnectionId(connection.id().toString())
        .setUserId(connection.userId())
        .setProvider(Provider.valueOf("PROVIDER_" + connection.provider().name()))
        .setEmailAddress(connection.emailAddress())
        .addAllScopes(connection.scopes())
        .setStatus(dev.mailgate.proto.v1.ConnectionStatus.valueOf("CONNECTION_STATUS_" + connection.status().name()))
        .setCreateTime(ProtoTime.of(connection.createTime()))
        .setUpdateTime(ProtoTime.of(connection.updateTime()));
    connection.lastUsedTime().ifPresent(time -> proto.setLastUsedTime(ProtoTime.of(time)));
    return proto.build();
  }
}
