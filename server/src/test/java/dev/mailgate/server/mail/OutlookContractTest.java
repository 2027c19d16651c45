package dev.mailgate.server.mail;

import dev.mailgate.proto.v1.Provider;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The provider contract on Outlook (OutlookProvider over the WebClient against the Graph sandbox). */
class OutlookContractTest extends MailContractTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  @Override
  protected TestGateway gateway() {
    return gateway.get();
  }

  @Override
  protected Provider provider() {
    return Provider.PROVIDER_OUTLOOK;
  }

  @Override
  protected void deliver(String mailbox, byte[] rfc822) {
    gateway.get().providers().sandbox().graph().deliver(mailbox, rfc822, "inbox");
  }
}
