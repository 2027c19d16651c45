package dev.mailgate.server.watch;

import dev.mailgate.server.testing.ProviderMailbox;
import dev.mailgate.server.testing.TestGateway;

/** The events contract on Gmail. */
class GmailEventContractTest extends EventContractTest {

  GmailEventContractTest() {
    super(ProviderMailbox.GMAIL);
  }

  @Override
  protected boolean idsSurviveMoves() {
    return true;
  }

  @Override
  protected void loseHistory(TestGateway gateway, String userId, String address) throws Exception {
    // A week of changes Gmail no longer keeps: mail arrives and the history is expired while the
    // watcher cannot read (its calls fail meanwhile), so its cursor is older than what is kept.
    var gmail = gateway.providers().sandbox().gmail();
    gmail.failNext(Integer.MAX_VALUE, 503, "backendError");
    gmail.deliver(address, dev.mailgate.server.testing.Mailboxes.mail("ada@example.org", address, "expired", "x", "", null),
        java.util.List.of("INBOX", "UNREAD"));
    gmail.expireHistory(address);
    gmail.failNext(0, 503, "backendError");
  }
}
