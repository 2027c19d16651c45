package dev.mailgate.server.watch;

import dev.mailgate.server.testing.ProviderMailbox;

/** The events contract on Imap. */
class ImapEventContractTest extends EventContractTest {

  ImapEventContractTest() {
    super(ProviderMailbox.IMAP);
  }

  @Override
  protected boolean idsSurviveMoves() {
    return false;
  }
}
