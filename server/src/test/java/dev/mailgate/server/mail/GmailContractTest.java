package dev.mailgate.server.mail;

import dev.mailgate.proto.v1.Provider;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The provider contract on Gmail (google-api-services-gmail against the Gmail sandbox). */
class GmailContractTest extends MailContractTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  @Override
  protected TestGateway gateway() {
    return gateway.get();
  }

  @Override
  protected Provider provider() {
    return Provider.PROVIDER_GMAIL;
  }

  @Override
  protected void deliver(String mailbox, byte[] rfc822) {
    gateway.get().providers().sandbox().gmail().deliver(mailbox, rfc822, List.of("INBOX", "UNREAD"));
  }
}
