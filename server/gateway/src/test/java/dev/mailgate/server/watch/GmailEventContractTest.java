package dev.mailgate.server.watch;

import dev.mailgate.server.testing.ProviderMailbox;

/** The events contract on Gmail. */
class GmailEventContractTest extends EventContractTest {

  GmailEventContractTest() {
    super(ProviderMailbox.GMAIL);
  }

  @Override
  protected boolean idsSurviveMoves() {
    return true;
  }
}
