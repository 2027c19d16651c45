package dev.mailgate.server.api;

import com.google.protobuf.Empty;
import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpcService;
import dev.mailgate.proto.v1.DeleteConnectionRequest;
import dev.mailgate.proto.v1.GetConnectionRequest;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.ListConnectionsResponse;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.CheckConnectionRequest;
import dev.mailgate.proto.v1.CheckConnectionResponse;
import dev.mailgate.proto.v1.CompleteAuthorizationRequest;
import dev.mailgate.proto.v1.StartAuthorizationRequest;
import dev.mailgate.proto.v1.StartAuthorizationResponse;
import dev.mailgate.proto.v1.CreateImapConnectionRequest;
import dev.mailgate.proto.v1.ImapSecurity;
import dev.mailgate.server.auth.Caller;
import dev.mailgate.server.connect.ImapConnector;
import dev.mailgate.server.provider.imap.ImapSettings;
import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.oauth.AuthorizationFlow;
import dev.mailgate.server.oauth.ConnectionChecker;
import dev.mailgate.server.oauth.ProviderGrants;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.store.ConnectionCursor;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ConnectionStore;
import dev.mailgate.server.store.Page;
import dev.mailgate.server.store.UserStore;
import io.vertx.core.Future;
import io.vertx.grpc.server.Service;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/** mailgate.v1.ConnectionService: a user's connected mailboxes, always checked for ownership. */
public final class ConnectionApi {

  private final UserStore users;
  private final ConnectionStore connections;
  private final AuthorizationFlow authorizations;
  private final ConnectionChecker checker;
  private final ProviderGrants grants;
  private final ImapConnector imap;

  public ConnectionApi(UserStore users, ConnectionStore connections, AuthorizationFlow authorizations,
      ConnectionChecker checker, ProviderGrants grants, ImapConnector imap) {
    this.users = users;
    this.connections = connections;
    this.authorizations = authorizations;
    this.checker = checker;
    this.grants = grants;
    this.imap = imap;
  }

  public Service service(RpcBinder binder) {
    return binder.service(ConnectionServiceGrpcService.SERVICE_NAME, ConnectionServiceGrpcService.SERVICE_DESCRIPTOR)
        .unary(ConnectionServiceGrpcService.StartAuthorization, this::startAuthorization)
        .unary(ConnectionServiceGrpcService.CompleteAuthorization, this::completeAuthorization)
        .unary(ConnectionServiceGrpcService.CreateImapConnection, this::createImapConnection)
        .unary(ConnectionServiceGrpcService.ListConnections, this::listConnections)
        .unary(ConnectionServiceGrpcService.GetConnection, this::getConnection)
        .unary(ConnectionServiceGrpcService.CheckConnection, this::checkConnection)
        .unary(ConnectionServiceGrpcService.DeleteConnection, this::deleteConnection)
        .build();
  }

  Future<StartAuthorizationResponse> startAuthorization(Caller caller, StartAuthorizationRequest request) {
    FieldChecks checks = new FieldChecks().userId("user_id", request.getUserId());
    if (request.getProvider() != Provider.PROVIDER_GMAIL && request.getProvider() != Provider.PROVIDER_OUTLOOK) {
      checks.add(new FieldViolation("provider", "must be PROVIDER_GMAIL or PROVIDER_OUTLOOK"));
    }
    checks.orThrow();
    return authorizations.start(caller.tenant(), request.getUserId(), providerOf(request.getProvider()),
            request.getLoginHint(), request.getReturnUrl())
        .map(started -> StartAuthorizationResponse.newBuilder()
            .setAuthorizationUrl(started.authorizationUrl())
            .setState(started.state())
            .setExpireTime(ProtoTime.of(started.expireTime()))
            .build());
  }

  Future<Connection> completeAuthorization(Caller caller, CompleteAuthorizationRequest request) {
    new FieldChecks().required("state", request.getState()).required("code", request.getCode()).orThrow();
    return authorizations.complete(caller.tenant(), request.getState(), request.getCode()).map(ConnectionApi::toProto);
  }

  Future<Connection> createImapConnection(Caller caller, CreateImapConnectionRequest request) {
    ImapSettings settings = new ImapSettings(request.getImapHost(), request.getImapPort(), security(request.getImapSecurity()),
        request.getSmtpHost(), request.getSmtpPort(), security(request.getSmtpSecurity()), request.getUsername());
    FieldChecks checks = new FieldChecks().userId("user_id", request.getUserId())
        .email("email_address", request.getEmailAddress()).required("password", request.getPassword());
    settings.violations().forEach(checks::add);
    checks.orThrow();
    return imap.connect(caller.tenant(), request.getUserId(), request.getEmailAddress(), settings, request.getPassword())
        .map(ConnectionApi::toProto);
  }

  private static ImapSettings.Security security(ImapSecurity security) {
    return switch (security) {
      case IMAP_SECURITY_STARTTLS -> ImapSettings.Security.STARTTLS;
      case IMAP_SECURITY_NONE -> ImapSettings.Security.NONE;
      default -> ImapSettings.Security.SSL_TLS;
    };
  }

  Future<CheckConnectionResponse> checkConnection(Caller caller, CheckConnectionRequest request) {
    new FieldChecks().userId("user_id", request.getUserId())
        .required("connection_id", request.getConnectionId()).orThrow();
    return caller.tenant().withDatabase(db -> connections.getOwned(db, request.getUserId(), request.getConnectionId()))
        .compose(connection -> checker.check(caller.tenant(), connection))
        .map(result -> CheckConnectionResponse.newBuilder()
            .setValid(result.valid())
            .setNeedsReauth(result.status() == dev.mailgate.server.store.ConnectionStatus.NEEDS_REAUTH)
            .setStatus(statusOf(result.status()))
            .setEmailAddress(result.emailAddress())
            .setError(result.error())
            .build());
  }

  Future<ListConnectionsResponse> listConnections(Caller caller, ListConnectionsRequest request) {
    new FieldChecks().userId("user_id", request.getUserId()).pageSize(request.getPageSize()).orThrow();
    PageTokens tokens = PageTokens.of(caller.tenant(), "ListConnections", request.getUserId());
    int limit = PageSize.TENANT_ROWS.of(request.getPageSize());
    // One query in the common case; only an empty first page asks whether the user exists at all.
    return tokens.open(request.getPageToken()).map(token -> token.map(ConnectionApi::decodeCursor))
        .compose(after -> caller.tenant().withDatabase(db -> connections.list(db, request.getUserId(), limit, after)
            .compose(page -> page.items().isEmpty() && after.isEmpty()
                ? users.get(db, request.getUserId()).map(page)
                : Future.succeededFuture(page))))
        .compose(page -> tokens.next(nextCursor(page)).map(next -> toResponse(page, next)));
  }

  Future<Connection> getConnection(Caller caller, GetConnectionRequest request) {
    new FieldChecks().userId("user_id", request.getUserId())
        .required("connection_id", request.getConnectionId()).orThrow();
    return caller.tenant().withDatabase(db -> connections.getOwned(db, request.getUserId(), request.getConnectionId()))
        .map(ConnectionApi::toProto);
  }

  Future<Empty> deleteConnection(Caller caller, DeleteConnectionRequest request) {
    new FieldChecks().userId("user_id", request.getUserId())
        .required("connection_id", request.getConnectionId()).orThrow();
    return caller.tenant().withDatabase(db -> connections.getOwned(db, request.getUserId(), request.getConnectionId())
            .compose(owned -> request.getRevokeProviderAccess()
                ? grants.revoke(caller.tenant(), owned.id())
                : Future.succeededFuture())
            .compose(revoked -> connections.deleteOwned(db, request.getUserId(), request.getConnectionId())))
        .map(Empty.getDefaultInstance());
  }

  private static ProviderKind providerOf(Provider provider) {
    return ProviderKind.valueOf(provider.name().substring("PROVIDER_".length()));
  }

  private static dev.mailgate.proto.v1.ConnectionStatus statusOf(dev.mailgate.server.store.ConnectionStatus status) {
    return dev.mailgate.proto.v1.ConnectionStatus.valueOf("CONNECTION_STATUS_" + status.name());
  }

  /** A ListConnections position: the last connection's create time (microseconds) and id. */
  private static ConnectionCursor decodeCursor(String position) {
    String[] fields = position.split(" ", -1);
    try {
      if (fields.length != 2) {
        throw PageTokens.invalid();
      }
      Instant time = Instant.EPOCH.plus(Long.parseLong(fields[0]), ChronoUnit.MICROS);
      return new ConnectionCursor(time, UUID.fromString(fields[1]));
    } catch (IllegalArgumentException | java.time.DateTimeException bad) {
      throw PageTokens.invalid();
    }
  }

  private static Optional<String> nextCursor(Page<ConnectionRecord> page) {
    if (!page.hasMore()) {
      return Optional.empty();
    }
    ConnectionRecord last = page.items().get(page.items().size() - 1);
    return Optional.of(ChronoUnit.MICROS.between(Instant.EPOCH, last.createTime()) + " " + last.id());
  }

  private static ListConnectionsResponse toResponse(Page<ConnectionRecord> page, String nextPageToken) {
    ListConnectionsResponse.Builder response = ListConnectionsResponse.newBuilder().setNextPageToken(nextPageToken);
    page.items().forEach(connection -> response.addConnections(toProto(connection)));
    return response.build();
  }

  static Connection toProto(ConnectionRecord connection) {
    Connection.Builder proto = Connection.newBuilder()
        .setConnectionId(connection.id().toString())
        .setUserId(connection.userId())
        .setProvider(Provider.valueOf("PROVIDER_" + connection.provider().name()))
        .setEmailAddress(connection.emailAddress())
        .addAllScopes(connection.scopes())
        .setStatus(statusOf(connection.status()))
        .setCreateTime(ProtoTime.of(connection.createTime()))
        .setUpdateTime(ProtoTime.of(connection.updateTime()));
    connection.lastUsedTime().ifPresent(time -> proto.setLastUsedTime(ProtoTime.of(time)));
    return proto.build();
  }
}
