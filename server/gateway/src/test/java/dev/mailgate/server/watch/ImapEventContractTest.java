package dev.mailgate.server.watch;

import dev.mailgate.server.testing.ProviderMailbox;
import dev.mailgate.server.testing.TestGateway;

/** The events contract on Imap. */
class ImapEventContractTest extends EventContractTest {

  ImapEventContractTest() {
    super(ProviderMailbox.IMAP);
  }

  @Override
  protected boolean idsSurviveMoves() {
    return false;
  }

  @Override
  protected void loseHistory(TestGateway gateway, String userId, String address) throws Exception {
    // GreenMail gives a mailbox made again a new UIDVALIDITY (it counts seconds); the password stays.
    var mailServer = gateway.providers().mailServer();
    mailServer.getUserManager().deleteUser(mailServer.getUserManager().getUser(address));
    Thread.sleep(1_100);
    mailServer.setUser(address, address, "secret-" + userId);
  }
}
