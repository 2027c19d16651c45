package dev.mailgate.server.api;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.DeleteUserRequest;
import dev.mailgate.proto.v1.GetUserRequest;
import dev.mailgate.proto.v1.ListUsersRequest;
import dev.mailgate.proto.v1.ListUsersResponse;
import dev.mailgate.proto.v1.User;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class UserServiceTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();
  private static UserServiceGrpc.UserServiceBlockingStub acme;

  @BeforeAll
  static void stubs() {
    acme = UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
  }

  private static String uniqueId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static User create(String userId) {
    return acme.createUser(CreateUserRequest.newBuilder().setUserId(userId).setEmail(userId + "@example.com").build());
  }

  @Test
  void createdUserCanBeReadBack() {
    String id = uniqueId("ada");
    User created = create(id);
    assertThat(created.getUserId()).isEqualTo(id);
    assertThat(created.getEmail()).isEqualTo(id + "@example.com");
    assertThat(created.getConnectionCount()).isZero();
    assertThat(created.getCreateTime().getSeconds()).isPositive();

    User read = acme.getUser(GetUserRequest.newBuilder().setUserId(id).build());
    assertThat(read).isEqualTo(created);
  }

  @Test
  void creatingAnExistingUserIsUserExistsAndChangesNothing() {
    String id = uniqueId("dup");
    User first = create(id);
    assertFails(Status.Code.ALREADY_EXISTS, "USER_EXISTS",
        () -> acme.createUser(CreateUserRequest.newBuilder().setUserId(id).setEmail("other@example.com").build()));
    assertThat(acme.getUser(GetUserRequest.newBuilder().setUserId(id).build())).isEqualTo(first);
  }

  @Test
  void unknownUserIsUserNotFound() {
    assertFails(Status.Code.NOT_FOUND, "USER_NOT_FOUND",
        () -> acme.getUser(GetUserRequest.newBuilder().setUserId("nobody-here").build()));
    assertFails(Status.Code.NOT_FOUND, "USER_NOT_FOUND",
        () -> acme.deleteUser(DeleteUserRequest.newBuilder().setUserId("nobody-here").build()));
  }

  @Test
  void deletedUserIsGone() {
    String id = uniqueId("gone");
    create(id);
    acme.deleteUser(DeleteUserRequest.newBuilder().setUserId(id).build());
    assertFails(Status.Code.NOT_FOUND, "USER_NOT_FOUND", () -> acme.getUser(GetUserRequest.newBuilder().setUserId(id).build()));
  }

  @Test
  void invalidArgumentsNameEveryBadField() {
    Failure failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT",
        () -> acme.createUser(CreateUserRequest.newBuilder().setUserId("has space").setEmail("not-an-email").build()));
    assertThat(failure.violations()).extracting(v -> v.getField()).containsExactly("user_id", "email");

    Failure empty = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT",
        () -> acme.createUser(CreateUserRequest.getDefaultInstance()));
    assertThat(empty.violations()).singleElement().satisfies(v -> {
      assertThat(v.getField()).isEqualTo("user_id");
      assertThat(v.getDescription()).isEqualTo("is required");
    });

    Failure tooLong = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT",
        () -> acme.getUser(GetUserRequest.newBuilder().setUserId("x".repeat(129)).build()));
    assertThat(tooLong.violations()).extracting(v -> v.getField()).containsExactly("user_id");
  }

  @Test
  void anEmailWithAControlCharacterIsInvalidNotInternal() {
    // Found by GrpcFuzzTest: a NUL passed the email check and PostgreSQL refused it (SQLSTATE 22021), answered INTERNAL.
    for (String email : java.util.List.of("ada@example.o\u0000rg", "ada\u0007@example.org", "ada@example.org\u007f")) {
      Failure failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT",
          () -> acme.createUser(CreateUserRequest.newBuilder().setUserId("nul-" + email.length()).setEmail(email).build()));
      assertThat(failure.violations()).extracting(v -> v.getField()).containsExactly("email");
    }
  }

  @Test
  void pagingVisitsEveryUserOnceInOrder() {
    String prefix = uniqueId("page");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      ids.add(prefix + "-" + i);
      create(prefix + "-" + i);
    }
    List<String> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      ListUsersResponse page = acme.listUsers(ListUsersRequest.newBuilder().setPageSize(3).setPageToken(token).build());
      assertThat(page.getUsersCount()).isLessThanOrEqualTo(3);
      page.getUsersList().forEach(user -> seen.add(user.getUserId()));
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty() && pages < 1000);
    assertThat(seen).isSorted().doesNotHaveDuplicates();
    assertThat(seen.stream().filter(id -> id.startsWith(prefix)).toList()).containsExactlyElementsOf(ids);
  }

  @Test
  void lastPageHasNoToken() {
    ListUsersResponse all = acme.listUsers(ListUsersRequest.newBuilder().setPageSize(1000).build());
    assertThat(all.getNextPageToken()).isEmpty();
  }

  @Test
  void badPageArgumentsAreInvalid() {
    Failure negative = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT",
        () -> acme.listUsers(ListUsersRequest.newBuilder().setPageSize(-1).build()));
    assertThat(negative.violations()).extracting(v -> v.getField()).containsExactly("page_size");

    Failure forged = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT",
        () -> acme.listUsers(ListUsersRequest.newBuilder().setPageToken("bm90IGEgdG9rZW4").build()));
    assertThat(forged.violations()).extracting(v -> v.getField()).containsExactly("page_token");
  }
}
