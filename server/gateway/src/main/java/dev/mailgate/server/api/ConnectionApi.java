package dev.mailgate.server.api;

import com.google.protobuf.Empty;
import dev.mailgate.proto.v1.CheckConnectionRequest;
import dev.mailgate.proto.v1.CheckConnectionResponse;
import dev.mailgate.proto.v1.CompleteAuthorizationRequest;
import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpcService;
import dev.mailgate.proto.v1.CreateImapConnectionRequest;
import dev.mailgate.proto.v1.DeleteConnectionRequest;
import dev.mailgate.proto.v1.GetConnectionRequest;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.ListConnectionsResponse;
import dev.mailgate.proto.v1.StartAuthorizationRequest;
import dev.mailgate.proto.v1.StartAuthorizationResponse;
import dev.mailgate.server.auth.Caller;
import dev.mailgate.server.connect.ConnectionService;
import dev.mailgate.server.connect.MailServers;
import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.store.ConnectionCursor;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ConnectionStatus;
import dev.mailgate.server.store.Page;
import dev.mailgate.server.store.ProviderKind;
import io.vertx.core.Future;
import io.vertx.grpc.server.Service;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * mailgate.v1.ConnectionService: checks requests, maps them to the domain, and answers with what
 * the {@link ConnectionService} did (a user's connected mailboxes, always checked for ownership).
 */
public final class ConnectionApi {

  private final ConnectionService connections;

  public ConnectionApi(ConnectionService connections) {
    this.connections = connections;
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
    List<ProviderKind> oauth = connections.oauthKinds();
    Optional<ProviderKind> provider = ConnectionProtos.kindOf(request.getProvider()).filter(oauth::contains);
    if (provider.isEmpty()) {
      checks.add(new FieldViolation("provider", "must be " + oauth.stream()
          .map(kind -> ConnectionProtos.providerOf(kind).name()).collect(Collectors.joining(" or "))));
    }
    checks.orThrow();
    return connections.startAuthorization(caller.tenant(), request.getUserId(), provider.get(),
            request.getLoginHint(), request.getReturnUrl())
        .map(started -> StartAuthorizationResponse.newBuilder()
            .setAuthorizationUrl(started.authorizationUrl())
            .setState(started.state())
            .setExpireTime(ProtoTime.of(started.expireTime()))
            .build());
  }

  Future<Connection> completeAuthorization(Caller caller, CompleteAuthorizationRequest request) {
    new FieldChecks().required("state", request.getState()).required("code", request.getCode()).orThrow();
    return connections.completeAuthorization(caller.tenant(), request.getState(), request.getCode())
        .map(ConnectionProtos::toProto);
  }

  Future<Connection> createImapConnection(Caller caller, CreateImapConnectionRequest request) {
    MailServers servers = new MailServers(request.getImapHost(), request.getImapPort(),
        ConnectionProtos.securityOf(request.getImapSecurity()), request.getSmtpHost(), request.getSmtpPort(),
        ConnectionProtos.securityOf(request.getSmtpSecurity()), request.getUsername());
    FieldChecks checks = new FieldChecks().userId("user_id", request.getUserId())
        .email("email_address", request.getEmailAddress()).required("password", request.getPassword());
    connections.imapViolations(servers).forEach(checks::add);
    checks.orThrow();
    return connections.createImap(caller.tenant(), request.getUserId(), request.getEmailAddress(), servers,
            request.getPassword())
        .map(ConnectionProtos::toProto);
  }

  Future<CheckConnectionResponse> checkConnection(Caller caller, CheckConnectionRequest request) {
    new FieldChecks().userId("user_id", request.getUserId())
        .required("connection_id", request.getConnectionId()).orThrow();
    return connections.check(caller.tenant(), request.getUserId(), request.getConnectionId())
        .map(result -> CheckConnectionResponse.newBuilder()
            .setValid(result.valid())
            .setNeedsReauth(result.status() == ConnectionStatus.NEEDS_REAUTH)
            .setStatus(ConnectionProtos.statusOf(result.status()))
            .setEmailAddress(result.emailAddress())
            .setError(result.error())
            .build());
  }

  Future<ListConnectionsResponse> listConnections(Caller caller, ListConnectionsRequest request) {
    new FieldChecks().userId("user_id", request.getUserId()).pageSize(request.getPageSize()).orThrow();
    PageTokens tokens = PageTokens.of(caller.tenant(), "ListConnections", request.getUserId());
    int limit = PageSize.TENANT_ROWS.of(request.getPageSize());
    return tokens.open(request.getPageToken()).map(token -> token.map(ConnectionApi::decodeCursor))
        .compose(after -> connections.list(caller.tenant(), request.getUserId(), limit, after))
        .compose(page -> tokens.next(nextCursor(page)).map(next -> toResponse(page, next, caller)));
  }

  Future<Connection> getConnection(Caller caller, GetConnectionRequest request) {
    new FieldChecks().userId("user_id", request.getUserId())
        .required("connection_id", request.getConnectionId()).orThrow();
    return connections.get(caller.tenant(), request.getUserId(), request.getConnectionId())
        .map(ConnectionProtos::toProto);
  }

  Future<Empty> deleteConnection(Caller caller, DeleteConnectionRequest request) {
    new FieldChecks().userId("user_id", request.getUserId())
        .required("connection_id", request.getConnectionId()).orThrow();
    return connections.delete(caller.tenant(), request.getUserId(), request.getConnectionId(),
            request.getRevokeProviderAccess())
        .map(Empty.getDefaultInstance());
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

  /** One page; an agent token limited to some connections sees only those (a page may then hold fewer). */
  private static ListConnectionsResponse toResponse(Page<ConnectionRecord> page, String nextPageToken, Caller caller) {
    ListConnectionsResponse.Builder response = ListConnectionsResponse.newBuilder().setNextPageToken(nextPageToken);
    page.items().stream().filter(connection -> caller.agent().map(grant -> grant.allows(connection.id())).orElse(true))
        .forEach(connection -> response.addConnections(ConnectionProtos.toProto(connection)));
    return response.build();
  }
}
