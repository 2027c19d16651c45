package dev.mailgate.server.mail;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.CheckConnectionRequest;
import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MessageSummary;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.SearchMessagesRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import io.grpc.Status;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** IMAP connections through the API, and one search across a Gmail, an Outlook and an IMAP mailbox. */
class ImapAndMixedSearchTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  private final ConnectionServiceGrpc.ConnectionServiceBlockingStub connections =
      ConnectionServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
  private final MailServiceGrpc.MailServiceBlockingStub mail =
      MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());

  private String newUser() {
    String userId = Mailboxes.newUserId("imap");
    UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .createUser(CreateUserRequest.newBuilder().setUserId(userId).build());
    return userId;
  }

  @Test
  void wrongPasswordIsRefusedBeforeAnythingIsStored() {
    String userId = newUser();
    String address = userId + "@imap.test";
    gateway.get().providers().mailServer().setUser(address, address, "right");
    Failure failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> connections.createImapConnection(
        ImapContractTest.imapRequest(gateway.get(), userId, address, "wrong").build()));
    assertThat(failure.violations()).extracting(v -> v.getField()).containsExactly("password");
    assertThat(failure.message()).doesNotContain("wrong");
    assertThat(connections.listConnections(ListConnectionsRequest.newBuilder().setUserId(userId).build())
        .getConnectionsList()).isEmpty();
  }

  @Test
  void passwordIsStoredEncryptedAndAChangedPasswordMarksNeedsReauth() throws Exception {
    String userId = newUser();
    String address = userId + "@imap.test";
    String password = "pw-" + UUID.randomUUID();
    var mailServer = gateway.get().providers().mailServer();
    mailServer.setUser(address, address, password);
    Connection connection = connections.createImapConnection(
        ImapContractTest.imapRequest(gateway.get(), userId, address, password).build());
    assertThat(connection.getProvider()).isEqualTo(Provider.PROVIDER_IMAP);
    try (var db = TestPostgres.get().jdbc(gateway.get().database("acme"));
        PreparedStatement query = db.prepareStatement("SELECT password, settings::text FROM connections WHERE id = ?::uuid")) {
      query.setString(1, connection.getConnectionId());
      try (ResultSet row = query.executeQuery()) {
        row.next();
        assertThat(new String(row.getBytes(1), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(password);
        assertThat(row.getString(2)).contains("imap_host").doesNotContain(password);
      }
    }
    var check = CheckConnectionRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId()).build();
    assertThat(connections.checkConnection(check).getValid()).isTrue();

    mailServer.getUserManager().getUser(address).setPassword("changed-on-the-server");
    assertThat(connections.checkConnection(check).getNeedsReauth()).isTrue();
    assertFails(Status.Code.FAILED_PRECONDITION, "CONNECTION_NEEDS_REAUTH", () -> mail.searchMessages(
        SearchMessagesRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId()).build()));
  }

  @Test
  void unsupportedQueryTermIsNamed() throws Exception {
    String userId = newUser();
    String address = userId + "@imap.test";
    gateway.get().providers().mailServer().setUser(address, address, "pw");
    Connection connection = connections.createImapConnection(
        ImapContractTest.imapRequest(gateway.get(), userId, address, "pw").build());
    Failure failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> mail.searchMessages(
        SearchMessagesRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId())
            .setQuery("larger:10M").build()));
    assertThat(failure.violations()).singleElement().satisfies(v -> assertThat(v.getDescription()).contains("larger:10M"));
  }

  @Test
  void oneSearchMergesGmailOutlookAndImapNewestFirst() throws Exception {
    String userId = Mailboxes.newUserId("mixed");
    String gmail = userId + "@gmail.test";
    String outlook = userId + "@outlook.test";
    String imap = userId + "@imap.test";
    Connection g = Mailboxes.connect(gateway.get(), TestGateway.acme(), userId, Provider.PROVIDER_GMAIL, gmail);
    Connection o = Mailboxes.connect(gateway.get(), TestGateway.acme(), userId, Provider.PROVIDER_OUTLOOK, outlook);
    gateway.get().providers().mailServer().setUser(imap, imap, "pw");
    Connection i = connections.createImapConnection(ImapContractTest.imapRequest(gateway.get(), userId, imap, "pw").build());

    var sandbox = gateway.get().providers().sandbox();
    var clock = gateway.get().clock();
    String tag = UUID.randomUUID().toString().substring(0, 6);
    List<String> expected = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      sandbox.gmail().deliver(gmail, clock.dated(Mailboxes.mail("ada@example.org", gmail, tag + " gmail " + round, "x", "",
          null)), List.of("INBOX"));
      expected.add(0, tag + " gmail " + round);
      clock.tick();
      sandbox.graph().deliver(outlook, clock.dated(Mailboxes.mail("ada@example.org", outlook, tag + " outlook " + round, "x",
          "", null)), "inbox");
      expected.add(0, tag + " outlook " + round);
      clock.tick();
      gateway.get().deliverImap(imap, clock.dated(Mailboxes.mail("ada@example.org", imap, tag + " imap " + round, "x", "",
          null)));
      expected.add(0, tag + " imap " + round);
      clock.tick();
    }
    List<MessageSummary> found = new ArrayList<>();
    String token = "";
    do {
      var page = mail.searchMessages(SearchMessagesRequest.newBuilder().setUserId(userId).setConnectionId("-")
          .setQuery("subject:" + tag).setPageSize(4).setPageToken(token).build());
      found.addAll(page.getMessagesList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    assertThat(found).extracting(MessageSummary::getSubject).containsExactlyElementsOf(expected);
    assertThat(found).extracting(MessageSummary::getConnectionId)
        .containsOnly(g.getConnectionId(), o.getConnectionId(), i.getConnectionId());
  }
}
