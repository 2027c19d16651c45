package dev.mailgate.server.api;

import com.google.protobuf.Empty;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.DeleteUserRequest;
import dev.mailgate.proto.v1.GetUserRequest;
import dev.mailgate.proto.v1.ListUsersRequest;
import dev.mailgate.proto.v1.ListUsersResponse;
import dev.mailgate.proto.v1.User;
import dev.mailgate.proto.v1.UserServiceGrpcService;
import dev.mailgate.server.auth.Caller;
import dev.mailgate.server.oauth.ProviderGrants;
import dev.mailgate.server.store.Page;
import dev.mailgate.server.store.UserRecord;
import dev.mailgate.server.store.UserStore;
import io.vertx.core.Future;
import io.vertx.grpc.server.Service;
import java.util.List;
import java.util.Optional;

/** mailgate.v1.UserService: the tenant's end users. */
public final class UserApi {

  private static final String TOKEN_KIND = "users";

  private final UserStore users;
  private final ProviderGrants grants;

  public UserApi(UserStore users, ProviderGrants grants) {
    this.users = users;
    this.grants = grants;
  }

  public Service service(RpcBinder binder) {
    return binder.service(UserServiceGrpcService.SERVICE_NAME, UserServiceGrpcService.SERVICE_DESCRIPTOR)
        .unary(UserServiceGrpcService.CreateUser, this::createUser)
        .unary(UserServiceGrpcService.GetUser, this::getUser)
        .unary(UserServiceGrpcService.ListUsers, this::listUsers)
        .unary(UserServiceGrpcService.DeleteUser, this::deleteUser)
        .build();
  }

  Future<User> createUser(Caller caller, CreateUserRequest request) {
    new FieldChecks().userId("user_id", request.getUserId()).optionalEmail("email", request.getEmail()).orThrow();
    return caller.tenant().withDatabase(db -> users.create(db, request.getUserId(), request.getEmail()))
        .map(UserApi::toProto);
  }

  Future<User> getUser(Caller caller, GetUserRequest request) {
    new FieldChecks().userId("user_id", request.getUserId()).orThrow();
    return caller.tenant().withDatabase(db -> users.get(db, request.getUserId())).map(UserApi::toProto);
  }

  Future<ListUsersResponse> listUsers(Caller caller, ListUsersRequest request) {
    new FieldChecks().pageSize(request.getPageSize()).orThrow();
    Optional<String> after = request.getPageToken().isEmpty()
        ? Optional.empty()
        : Optional.of(PageTokens.decode(request.getPageToken(), TOKEN_KIND, 1).get(0));
    int limit = FieldChecks.effectivePageSize(request.getPageSize());
    return caller.tenant().withDatabase(db -> users.list(db, limit, after)).map(UserApi::toResponse);
  }

  Future<Empty> deleteUser(Caller caller, DeleteUserRequest request) {
    new FieldChecks().userId("user_id", request.getUserId()).orThrow();
    // Every connection's grant is revoked at its provider before the user and its rows go.
    return caller.tenant().withDatabase(db -> users.get(db, request.getUserId())
            .compose(user -> grants.revokeAllOf(caller.tenant(), request.getUserId()))
            .compose(revoked -> users.delete(db, request.getUserId())))
        .map(Empty.getDefaultInstance());
  }

  private static ListUsersResponse toResponse(Page<UserRecord> page) {
    List<UserRecord> items = page.items();
    ListUsersResponse.Builder response = ListUsersResponse.newBuilder();
    items.forEach(user -> response.addUsers(toProto(user)));
    if (page.hasMore()) {
      response.setNextPageToken(PageTokens.encode(TOKEN_KIND, items.get(items.size() - 1).userId()));
    }
    return response.build();
  }

  static User toProto(UserRecord user) {
    return User.newBuilder()
        .setUserId(user.userId())
        .setEmail(user.email())
        .setConnectionCount(user.connectionCount())
        .setCreateTime(ProtoTime.of(user.createTime()))
        .setUpdateTime(ProtoTime.of(user.updateTime()))
        .build();
  }
}
