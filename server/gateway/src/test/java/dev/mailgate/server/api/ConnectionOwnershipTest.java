package dev.mailgate.server.api;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.ConnectionStatus;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.DeleteConnectionRequest;
import dev.mailgate.proto.v1.DeleteUserRequest;
import dev.mailgate.proto.v1.GetConnectionRequest;
import dev.mailgate.proto.v1.GetUserRequest;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.ListConnectionsResponse;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ConnectionStore;
import dev.mailgate.server.store.ProviderKind;
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

/**
 * Connections can only be created by the OAuth and IMAP flows of later versions, so these tests
 * arrange them straight in the tenant's database and then probe the public gRPC surface.
 */
class ConnectionOwnershipTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();
  private static ConnectionServiceGrpc.ConnectionServiceBlockingStub acme;
  private static ConnectionServiceGrpc.ConnectionServiceBlockingStub globex;
  private static UserServiceGrpc.UserServiceBlockingStub acmeUsers;

  @BeforeAll
  static void stubs() {
    acme = ConnectionServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    globex = ConnectionServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.globex());
    acmeUsers = UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
  }

  private static String newUser(String prefix) {
    String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    acmeUsers.createUser(CreateUserRequest.newBuilder().setUserId(id).build());
    return id;
  }

  private static String connect(String userId, String email) {
    ConnectionRecord record = gateway.get().onTenantData("acme", db -> new ConnectionStore().insert(db, userId,
        ProviderKind.GMAIL, email, List.of("gmail.modify"), dev.mailgate.server.store.ConnectionStatus.ACTIVE));
    return record.id().toString();
  }

  private static GetConnectionRequest get(String userId, String connectionId) {
    return GetConnectionRequest.newBuilder().setUserId(userId).setConnectionId(connectionId).build();
  }

  @Test
  void ownerSeesTheConnection() {
    String alice = newUser("alice");
    String id = connect(alice, "alice@example.com");
    Connection connection = acme.getConnection(get(alice, id));
    assertThat(connection.getConnectionId()).isEqualTo(id);
    assertThat(connection.getUserId()).isEqualTo(alice);
    assertThat(connection.getProvider()).isEqualTo(Provider.PROVIDER_GMAIL);
    assertThat(connection.getStatus()).isEqualTo(ConnectionStatus.CONNECTION_STATUS_ACTIVE);
    assertThat(connection.getScopesList()).containsExactly("gmail.modify");
    assertThat(connection.hasLastUsedTime()).isFalse();
    assertThat(acmeUsers.getUser(GetUserRequest.newBuilder().setUserId(alice).build()).getConnectionCount()).isEqualTo(1);
  }

  @Test
  void connectionOfAnotherUserIsNotFoundExactlyLikeAMissingOne() {
    String alice = newUser("alice");
    String bob = newUser("bob");
    String id = connect(alice, "alice@example.com");

    Failure otherUser = assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> acme.getConnection(get(bob, id)));
    Failure missing = assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND",
        () -> acme.getConnection(get(bob, UUID.randomUUID().toString())));
    Failure notAnId = assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> acme.getConnection(get(bob, "x'; --")));
    Failure unknownUser = assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND",
        () -> acme.getConnection(get("no-such-user", id)));
    assertThat(List.of(missing.message(), notAnId.message(), unknownUser.message())).containsOnly(otherUser.message());
  }

  @Test
  void connectionOfAnotherTenantIsNotFound() {
    String alice = newUser("alice");
    String id = connect(alice, "alice@example.com");
    Failure failure = assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> globex.getConnection(get(alice, id)));
    assertThat(failure.message()).isEqualTo("connection not found");
    assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> globex.deleteConnection(
        DeleteConnectionRequest.newBuilder().setUserId(alice).setConnectionId(id).build()));
    assertThat(acme.getConnection(get(alice, id)).getConnectionId()).isEqualTo(id);
  }

  @Test
  void anotherUserCannotDeleteAConnection() {
    String alice = newUser("alice");
    String bob = newUser("bob");
    String id = connect(alice, "alice@example.com");
    assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> acme.deleteConnection(
        DeleteConnectionRequest.newBuilder().setUserId(bob).setConnectionId(id).build()));
    assertThat(acme.getConnection(get(alice, id)).getConnectionId()).isEqualTo(id);
  }

  @Test
  void ownerDeletesOneConnectionAndKeepsTheOthers() {
    String alice = newUser("alice");
    String work = connect(alice, "alice@work.example");
    String home = connect(alice, "alice@home.example");
    acme.deleteConnection(DeleteConnectionRequest.newBuilder().setUserId(alice).setConnectionId(work).build());
    assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> acme.getConnection(get(alice, work)));
    assertThat(acme.getConnection(get(alice, home)).getEmailAddress()).isEqualTo("alice@home.example");
  }

  @Test
  void deletingAUserDeletesItsConnections() {
    String carol = newUser("carol");
    String id = connect(carol, "carol@example.com");
    acmeUsers.deleteUser(DeleteUserRequest.newBuilder().setUserId(carol).build());
    acmeUsers.createUser(CreateUserRequest.newBuilder().setUserId(carol).build());
    assertFails(Status.Code.NOT_FOUND, "CONNECTION_NOT_FOUND", () -> acme.getConnection(get(carol, id)));
    assertThat(acme.listConnections(ListConnectionsRequest.newBuilder().setUserId(carol).build()).getConnectionsList()).isEmpty();
  }

  @Test
  void listShowsOnlyTheUsersOwnConnectionsNewestFirstAcrossPages() {
    String alice = newUser("alice");
    String bob = newUser("bob");
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(connect(alice, "alice" + i + "@example.com"));
    }
    connect(bob, "bob@example.com");

    List<String> seen = new ArrayList<>();
    String token = "";
    do {
      ListConnectionsResponse page = acme.listConnections(
          ListConnectionsRequest.newBuilder().setUserId(alice).setPageSize(2).setPageToken(token).build());
      assertThat(page.getConnectionsCount()).isLessThanOrEqualTo(2);
      page.getConnectionsList().forEach(c -> {
        assertThat(c.getUserId()).isEqualTo(alice);
        seen.add(c.getConnectionId());
      });
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    java.util.Collections.reverse(created);
    assertThat(seen).containsExactlyElementsOf(created);
  }

  @Test
  void pageTokenOfOneUserIsRejectedForAnother() {
    String alice = newUser("alice");
    String bob = newUser("bob");
    connect(alice, "a1@example.com");
    connect(alice, "a2@example.com");
    String token = acme.listConnections(ListConnectionsRequest.newBuilder().setUserId(alice).setPageSize(1).build())
        .getNextPageToken();
    assertThat(token).isNotEmpty();
    Failure failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> acme.listConnections(
        ListConnectionsRequest.newBuilder().setUserId(bob).setPageToken(token).build()));
    assertThat(failure.violations()).extracting(v -> v.getField()).containsExactly("page_token");
  }

  @Test
  void listingConnectionsOfAnUnknownUserIsUserNotFound() {
    assertFails(Status.Code.NOT_FOUND, "USER_NOT_FOUND",
        () -> acme.listConnections(ListConnectionsRequest.newBuilder().setUserId("ghost").build()));
  }

  @Test
  void missingIdsAreInvalidArguments() {
    Failure failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT",
        () -> acme.getConnection(GetConnectionRequest.getDefaultInstance()));
    assertThat(failure.violations()).extracting(v -> v.getField()).containsExactly("user_id", "connection_id");
  }
}
