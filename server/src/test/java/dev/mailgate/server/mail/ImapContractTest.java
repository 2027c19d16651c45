package dev.mailgate.server.mail;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.CreateImapConnectionRequest;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.ImapSecurity;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The provider contract on IMAP/SMTP (ImapProvider with Jakarta Mail against GreenMail). */
class ImapContractTest extends MailContractTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  @Override
  protected TestGateway gateway() {
    return gateway.get();
  }

  @Override
  protected Provider provider() {
    return Provider.PROVIDER_IMAP;
  }

  @Override
  protected Connection connect(String userId, String address) {
    var mailServer = gateway.get().providers().mailServer();
    mailServer.setUser(address, address, "secret-" + userId);
    UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .createUser(CreateUserRequest.newBuilder().setUserId(userId).build());
    return ConnectionServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .createImapConnection(imapRequest(userId, address, "secret-" + userId).build());
  }

  static CreateImapConnectionRequest.Builder imapRequest(TestGateway gateway, String userId, String address, String password) {
    var mailServer = gateway.providers().mailServer();
    return CreateImapConnectionRequest.newBuilder().setUserId(userId).setEmailAddress(address)
        .setImapHost("127.0.0.1").setImapPort(mailServer.getImap().getPort()).setImapSecurity(ImapSecurity.IMAP_SECURITY_NONE)
        .setSmtpHost("127.0.0.1").setSmtpPort(mailServer.getSmtp().getPort()).setSmtpSecurity(ImapSecurity.IMAP_SECURITY_NONE)
        .setUsername(address).setPassword(password);
  }

  private CreateImapConnectionRequest.Builder imapRequest(String userId, String address, String password) {
    return imapRequest(gateway.get(), userId, address, password);
  }

  @Override
  protected void deliver(String mailbox, byte[] rfc822) {
    gateway.get().deliverImap(mailbox, rfc822);
  }
}
