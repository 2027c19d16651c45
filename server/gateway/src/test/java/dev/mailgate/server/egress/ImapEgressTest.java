package dev.mailgate.server.egress;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.BadRequest;
import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.CreateImapConnectionRequest;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.ImapSecurity;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MessageContent;
import dev.mailgate.proto.v1.SearchMessagesRequest;
import dev.mailgate.proto.v1.SendMessageRequest;
import dev.mailgate.proto.v1.EmailAddress;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestEgress;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.ClientInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CreateImapConnection and later IMAP/SMTP connections go only where the egress policy allows:
 * refused hosts answer INVALID_ARGUMENT naming the field before any connection is attempted,
 * a tenant may allow blocks in its file, and a stored connection whose host later resolves to a
 * refused address gets nowhere. Names resolve through the test's own table ({@link TestEgress});
 * nothing here connects off this machine.
 */
class ImapEgressTest {

  /** hooli (a schema in acme's database) allows 10.20.0.0/16 in its file. */
  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(
      "hooli.yaml", TestGateway.tenantYaml("hooli", "${ACME_DATABASE}", "mgk_test_hooli_key")
          .replace("  pool_size: 4", "  pool_size: 2\n  schema: hooli")
          + "egress:\n  allow: [ \"10.20.0.0/16\" ]\n"));

  private static final ClientInterceptor HOOLI = TestGateway.as("hooli", "mgk_test_hooli_key");

  @Test
  void hostsResolvingToLinkLocalOrPrivateAddressesAreRefusedBeforeAnyConnection() {
    TestEgress egress = gateway.get().egress().map("metadata.test", "169.254.169.254").map("intranet.test", "10.1.2.3");
    String user = newUser(TestGateway.acme());
    int dialsBefore = egress.dials().size();

    Failure failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> connections(TestGateway.acme())
        .createImapConnection(request(user, "metadata.test", 993, "intranet.test", 465).build()));

    assertThat(failure.violations()).extracting(BadRequest.FieldViolation::getField).containsExactly("imap_host", "smtp_host");
    assertThat(egress.dials()).hasSize(dialsBefore);
    assertThat(connections(TestGateway.acme()).listConnections(ListConnectionsRequest.newBuilder().setUserId(user).build())
        .getConnectionsList()).isEmpty();
  }

  @Test
  void specialPurposeAddressLiteralsAreRefusedNamingTheField() {
    String user = newUser(TestGateway.acme());
    TestEgress egress = gateway.get().egress();
    int dialsBefore = egress.dials().size();
    int mailPort = gateway.get().providers().mailServer().getSmtp().getPort();
    for (String host : List.of("169.254.169.254", "10.0.0.1", "172.16.5.4", "192.168.1.1", "100.64.0.1", "0.0.0.0",
        "224.0.0.251", "255.255.255.255", "fe80::1", "fd12:3456::1", "::", "ff02::1", "::ffff:10.0.0.1",
        "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1")) {
      Failure failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> connections(TestGateway.acme())
          .createImapConnection(request(user, host, 993, "127.0.0.1", mailPort).build()));

      assertThat(failure.violations()).as(host).extracting(BadRequest.FieldViolation::getField).containsExactly("imap_host");
    }
    assertThat(egress.dials()).hasSize(dialsBefore);
  }

  @Test
  void anUnknownHostGetsTheSameAnswerAsARefusedOne() {
    TestEgress egress = gateway.get().egress().map("intranet.test", "10.1.2.3");
    String user = newUser(TestGateway.acme());
    int port = gateway.get().providers().mailServer().getSmtp().getPort();

    Failure unknown = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> connections(TestGateway.acme())
        .createImapConnection(request(user, "nowhere.test", 993, "127.0.0.1", port).build()));
    Failure refused = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> connections(TestGateway.acme())
        .createImapConnection(request(user, "intranet.test", 993, "127.0.0.1", port).build()));

    assertThat(unknown.message()).isEqualTo(refused.message());
    assertThat(unknown.violations()).isEqualTo(refused.violations());
    assertThat(egress.lookups()).contains("nowhere.test", "intranet.test");
  }

  @Test
  void aTenantMayAllowABlockInItsFile() {
    TestEgress egress = gateway.get().egress();
    String acmeUser = newUser(TestGateway.acme());
    String hooliUser = newUser(HOOLI);

    assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> connections(TestGateway.acme())
        .createImapConnection(request(acmeUser, "10.20.0.5", 993, "10.20.0.5", 465).build()));
    assertThat(egress.dials()).noneMatch(d -> d.getHostString().equals("10.20.0.5"));

    // hooli's file allows 10.20.0.0/16: the gateway dials it (the test stops the dial: nothing leaves this machine).
    assertFails(Status.Code.UNAVAILABLE, "PROVIDER_UNAVAILABLE", () -> connections(HOOLI)
        .createImapConnection(request(hooliUser, "10.20.0.5", 993, "10.20.0.5", 465).build()));
    assertThat(egress.dials()).contains(new InetSocketAddress("10.20.0.5", 993));
    assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> connections(HOOLI)
        .createImapConnection(request(hooliUser, "10.21.0.5", 993, "10.20.0.5", 465).build()));
  }

  @Test
  void serversThatAreAllowedButFailAnswerAlikeWhateverListens() throws Exception {
    var mailServer = gateway.get().providers().mailServer();
    String user = newUser(TestGateway.acme());
    mailServer.setUser(user + "@example.com", user + "@example.com", "secret");
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    int smtp = mailServer.getSmtp().getPort();

    Failure nothingListens = assertFails(Status.Code.UNAVAILABLE, "PROVIDER_UNAVAILABLE", () -> connections(TestGateway.acme())
        .createImapConnection(request(user, "127.0.0.1", closed, "127.0.0.1", smtp).build()));
    Failure plainServerAskedForTls = assertFails(Status.Code.UNAVAILABLE, "PROVIDER_UNAVAILABLE",
        () -> connections(TestGateway.acme()).createImapConnection(request(user, "127.0.0.1", mailServer.getImap().getPort(),
            "127.0.0.1", smtp).setImapSecurity(ImapSecurity.IMAP_SECURITY_SSL_TLS).build()));
    Failure notAnImapServer = assertFails(Status.Code.UNAVAILABLE, "PROVIDER_UNAVAILABLE", () -> connections(TestGateway.acme())
        .createImapConnection(request(user, "127.0.0.1", smtp, "127.0.0.1", smtp).build()));

    assertThat(plainServerAskedForTls.message()).isEqualTo(nothingListens.message());
    assertThat(notAnImapServer.message()).isEqualTo(nothingListens.message());
    assertThat(nothingListens.message()).doesNotContain(Integer.toString(closed));
  }

  @Test
  void aStoredConnectionWhoseHostNowResolvesToAPrivateAddressGetsNowhere() {
    var mailServer = gateway.get().providers().mailServer();
    TestEgress egress = gateway.get().egress();
    String user = newUser(TestGateway.acme());
    String address = user + "@example.com";
    mailServer.setUser(address, address, "secret");
    // "localhost": Jakarta Mail looks the name up itself too before our socket re-resolves it, and
    // that lookup must stay on this machine (the hosts file).
    Connection connection = connections(TestGateway.acme()).createImapConnection(
        request(user, "localhost", mailServer.getImap().getPort(), "localhost", mailServer.getSmtp().getPort())
            .setUsername(address).build());
    try {
      // DNS rebinding: the same name now points inside the network.
      egress.map("localhost", "10.1.2.3");
      int dialsBefore = egress.dials().size();
      var mail = MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());

      Failure search = assertFails(Status.Code.UNAVAILABLE, "PROVIDER_UNAVAILABLE", () -> mail.searchMessages(
          SearchMessagesRequest.newBuilder().setUserId(user).setConnectionId(connection.getConnectionId()).build()));
      assertFails(Status.Code.UNAVAILABLE, "PROVIDER_UNAVAILABLE", () -> mail.sendMessage(
          SendMessageRequest.newBuilder().setUserId(user).setConnectionId(connection.getConnectionId()).setRequestId("r1")
              .setContent(MessageContent.newBuilder().setSubject("hi").setTextBody("hello")
                  .addTo(EmailAddress.newBuilder().setAddress("ada@example.com"))).build()));

      assertThat(search.message()).contains("egress");
      assertThat(egress.dials()).hasSize(dialsBefore);
    } finally {
      egress.map("localhost", "127.0.0.1");
    }
  }

  private static ConnectionServiceGrpc.ConnectionServiceBlockingStub connections(ClientInterceptor tenant) {
    return ConnectionServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(tenant);
  }

  private static String newUser(ClientInterceptor tenant) {
    String user = Mailboxes.newUserId("egress");
    dev.mailgate.proto.v1.UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(tenant)
        .createUser(CreateUserRequest.newBuilder().setUserId(user).build());
    return user;
  }

  private static CreateImapConnectionRequest.Builder request(String user, String imapHost, int imapPort, String smtpHost,
      int smtpPort) {
    return CreateImapConnectionRequest.newBuilder().setUserId(user).setEmailAddress(user + "@example.com")
        .setImapHost(imapHost).setImapPort(imapPort).setImapSecurity(ImapSecurity.IMAP_SECURITY_NONE)
        .setSmtpHost(smtpHost).setSmtpPort(smtpPort).setSmtpSecurity(ImapSecurity.IMAP_SECURITY_NONE)
        .setUsername(user).setPassword("secret");
  }
}
