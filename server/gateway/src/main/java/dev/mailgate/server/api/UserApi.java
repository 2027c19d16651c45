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
import dev.mailgate.server.store.UserRecord;
import dev.mailgate.server.user.UserService;
import io.vertx.core.Future;
import io.vertx.grpc.server.Service;
import java.util.List;
import java.util.Optional;

/** mailgate.v1.UserService: validates requests and maps them to and from {@link UserService}. */
public final class UserApi {

  private final UserService users;

  public UserApi(UserService users) {
    this.users = users;
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
    return users.create(caller.tenant(), request.getUserId(), request.getEmail()).map(UserApi::toProto);
  }

  Future<User> getUser(Caller caller, GetUserRequest request) {
    new FieldChecks().userId("user_id", request.getUserId()).orThrow();
    return users.get(caller.tenant(), request.getUserId()).map(UserApi::toProto);
  }

  /** Users in user-id order; the page token holds the last user id returned. */
  Future<ListUsersResponse> listUsers(Caller caller, ListUsersRequest request) {
    new FieldChecks().pageSize(request.getPageSize()).orThrow();
    PageTokens tokens = PageTokens.of(caller.tenant(), "ListUsers");
    int limit = PageSize.TENANT_ROWS.of(request.getPageSize());
    return tokens.open(request.getPageToken())
        .compose(after -> users.list(caller.tenant(), limit, after))
        .compose(page -> {
          List<UserRecord> items = page.items();
          Optional<String> last = page.hasMore() ? Optional.of(items.get(items.size() - 1).userId()) : Optional.empty();
          return tokens.next(last).map(next -> ListUsersResponse.newBuilder()
              .addAllUsers(items.stream().map(UserApi::toProto).toList())
              .setNextPageToken(next)
              .build());
        });
  }

  Future<Empty> deleteUser(Caller caller, DeleteUserRequest request) {
    new FieldChecks().userId("user_id", request.getUserId()).orThrow();
    return users.delete(caller.tenant(), request.getUserId()).map(Empty.getDefaultInstance());
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
