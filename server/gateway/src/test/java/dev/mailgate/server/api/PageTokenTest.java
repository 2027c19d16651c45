package dev.mailgate.server.api;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.CreateDraftRequest;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.ListDraftsRequest;
import dev.mailgate.proto.v1.ListUsersRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MessageContent;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.SearchMessagesRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every list call's page token is sealed and bound to the tenant, the method, the user and the
 * query; every list call has one page-size policy ({@link PageSize}).
 */
class PageTokenTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  private static UserServiceGrpc.UserServiceBlockingStub acmeUsers;
  private static UserServiceGrpc.UserServiceBlockingStub globexUsers;
  private static ConnectionServiceGrpc.ConnectionServiceBlockingStub acmeConnections;
  private static MailServiceGrpc.MailServiceBlockingStub mail;
  private static String userId;
  private static Connection connection;
  private static String stranger;
  private static Connection strangers;

  @BeforeAll
  static void mailboxes() throws Exception {
    var channel = gateway.get().channel();
    acmeUsers = UserServiceGrpc.newBlockingStub(channel).withInterceptors(TestGateway.acme());
    globexUsers = UserServiceGrpc.newBlockingStub(channel).withInterceptors(TestGateway.globex());
    acmeConnections = ConnectionServiceGrpc.newBlockingStub(channel).withInterceptors(TestGateway.acme());
    mail = MailServiceGrpc.newBlockingStub(channel).withInterceptors(TestGateway.acme());
    userId = Mailboxes.newUserId("pager");
    connection = Mailboxes.connect(gateway.get(), TestGateway.acme(), userId, Provider.PROVIDER_GMAIL, userId + "@gmail.test");
    Mailboxes.connect(gateway.get(), TestGateway.acme(), userId, Provider.PROVIDER_GMAIL, userId + ".two@gmail.test");
    stranger = Mailboxes.newUserId("stranger");
    strangers = Mailboxes.connect(gateway.get(), TestGateway.acme(), stranger, Provider.PROVIDER_GMAIL,
        stranger + "@gmail.test");
    var sandbox = gateway.get().providers().sandbox().gmail();
    for (int i = 0; i < 26; i++) {
      String address = userId + "@gmail.test";
      sandbox.deliver(address, Mailboxes.mail("a@example.org", address, "paged " + i, "x", "", null), List.of("INBOX"));
      sandbox.deliver(stranger + "@gmail.test", Mailboxes.mail("a@example.org", stranger + "@gmail.test", "paged " + i,
          "x", "", null), List.of("INBOX"));
    }
    for (int i = 0; i < 26; i++) {
      for (Connection each : List.of(connection, strangers)) {
        mail.createDraft(CreateDraftRequest.newBuilder().setUserId(each.getUserId()).setConnectionId(each.getConnectionId())
            .setContent(MessageContent.newBuilder().setSubject("draft " + i)).build());
      }
    }
    for (int i = 0; i < 51; i++) {
      acmeUsers.createUser(CreateUserRequest.newBuilder().setUserId(Mailboxes.newUserId("listed")).build());
    }
  }

  private static void refused(ThrowingCallable call) {
    Failure failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", call);
    assertThat(failure.violations()).extracting(v -> v.getField()).containsExactly("page_token");
  }

  private static String tampered(String token) {
    char last = token.charAt(token.length() - 1);
    return token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
  }

  private static SearchMessagesRequest.Builder search(String user, String connectionId) {
    return SearchMessagesRequest.newBuilder().setUserId(user).setConnectionId(connectionId).setQuery("subject:paged")
        .setPageSize(2);
  }

  @Test
  void aListUsersTokenOpensOnlyForItsTenantAndItsMethod() {
    String token = acmeUsers.listUsers(ListUsersRequest.newBuilder().setPageSize(1).build()).getNextPageToken();
    assertThat(token).isNotEmpty();
    assertThat(acmeUsers.listUsers(ListUsersRequest.newBuilder().setPageSize(1).setPageToken(token).build())
        .getUsersCount()).isEqualTo(1);

    refused(() -> globexUsers.listUsers(ListUsersRequest.newBuilder().setPageToken(token).build()));
    refused(() -> acmeUsers.listUsers(ListUsersRequest.newBuilder().setPageToken(tampered(token)).build()));
    refused(() -> acmeConnections.listConnections(ListConnectionsRequest.newBuilder().setUserId(userId)
        .setPageToken(token).build()));
  }

  @Test
  void aListConnectionsTokenOpensOnlyForItsUserAndTenant() {
    String token = acmeConnections.listConnections(ListConnectionsRequest.newBuilder().setUserId(userId).setPageSize(1)
        .build()).getNextPageToken();
    assertThat(token).isNotEmpty();
    assertThat(acmeConnections.listConnections(ListConnectionsRequest.newBuilder().setUserId(userId).setPageToken(token)
        .build()).getConnectionsCount()).isEqualTo(1);

    refused(() -> acmeConnections.listConnections(ListConnectionsRequest.newBuilder().setUserId(stranger)
        .setPageToken(token).build()));
    refused(() -> ConnectionServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.globex())
        .listConnections(ListConnectionsRequest.newBuilder().setUserId(userId).setPageToken(token).build()));
    refused(() -> acmeConnections.listConnections(ListConnectionsRequest.newBuilder().setUserId(userId)
        .setPageToken(tampered(token)).build()));
  }

  @Test
  void aSearchTokenOpensOnlyForItsUserAndQuery() {
    String token = mail.searchMessages(search(userId, connection.getConnectionId()).build()).getNextPageToken();
    assertThat(token).isNotEmpty();
    assertThat(mail.searchMessages(search(userId, connection.getConnectionId()).setPageToken(token).build())
        .getMessagesCount()).isEqualTo(2);

    refused(() -> mail.searchMessages(search(userId, connection.getConnectionId()).setQuery("subject:other")
        .setPageToken(token).build()));
    refused(() -> mail.searchMessages(search(userId, connection.getConnectionId()).addLabelIds("INBOX")
        .setPageToken(token).build()));
    refused(() -> mail.searchMessages(search(stranger, strangers.getConnectionId()).setPageToken(token).build()));
    refused(() -> mail.searchMessages(search(userId, connection.getConnectionId()).setPageToken(tampered(token)).build()));
    refused(() -> mail.listDrafts(ListDraftsRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setPageToken(token).build()));
  }

  @Test
  void aListDraftsTokenOpensOnlyForItsUserAndConnection() {
    ListDraftsRequest.Builder drafts = ListDraftsRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).setPageSize(2);
    String token = mail.listDrafts(drafts.build()).getNextPageToken();
    assertThat(token).isNotEmpty();
    assertThat(mail.listDrafts(drafts.clone().setPageToken(token).build()).getDraftsCount()).isEqualTo(2);

    refused(() -> mail.listDrafts(ListDraftsRequest.newBuilder().setUserId(stranger)
        .setConnectionId(strangers.getConnectionId()).setPageToken(token).build()));
    refused(() -> mail.listDrafts(drafts.clone().setPageToken(tampered(token)).build()));
  }

  @Test
  void pageSizeZeroIsTheMethodsDefaultAndLargerThanTheMaximumIsTheMaximum() {
    assertThat(acmeUsers.listUsers(ListUsersRequest.getDefaultInstance()).getUsersCount()).isEqualTo(50);
    assertThat(acmeUsers.listUsers(ListUsersRequest.newBuilder().setPageSize(100_000).build()).getUsersCount())
        .isGreaterThan(50);
    assertThat(mail.searchMessages(search(userId, connection.getConnectionId()).setPageSize(0).build())
        .getMessagesCount()).isEqualTo(25);
    assertThat(mail.searchMessages(search(userId, connection.getConnectionId()).setPageSize(100_000).build())
        .getMessagesCount()).isEqualTo(26);
    ListDraftsRequest.Builder drafts = ListDraftsRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId());
    assertThat(mail.listDrafts(drafts.build()).getDraftsCount()).isEqualTo(25);
    assertThat(mail.listDrafts(drafts.clone().setPageSize(100_000).build()).getDraftsCount()).isEqualTo(26);

    assertThat(PageSize.TENANT_ROWS.of(0)).isEqualTo(50);
    assertThat(PageSize.TENANT_ROWS.of(1001)).isEqualTo(1000);
    assertThat(PageSize.MAILBOX.of(0)).isEqualTo(25);
    assertThat(PageSize.MAILBOX.of(501)).isEqualTo(500);
    assertThat(PageSize.MAILBOX.of(7)).isEqualTo(7);
  }

  @Test
  void aNegativePageSizeIsInvalidOnEveryListCall() {
    List<ThrowingCallable> calls = List.of(
        () -> acmeUsers.listUsers(ListUsersRequest.newBuilder().setPageSize(-1).build()),
        () -> acmeConnections.listConnections(ListConnectionsRequest.newBuilder().setUserId(userId).setPageSize(-1).build()),
        () -> mail.searchMessages(search(userId, connection.getConnectionId()).setPageSize(-1).build()),
        () -> mail.listDrafts(ListDraftsRequest.newBuilder().setUserId(userId)
            .setConnectionId(connection.getConnectionId()).setPageSize(-1).build()));
    for (ThrowingCallable call : calls) {
      Failure failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", call);
      assertThat(failure.violations()).extracting(v -> v.getField()).containsExactly("page_size");
    }
  }
}
