package dev.mailgate.server.watch;

import dev.mailgate.server.testing.ProviderMailbox;

/** The events contract on Outlook. */
class OutlookEventContractTest extends EventContractTest {

  OutlookEventContractTest() {
    super(ProviderMailbox.OUTLOOK);
  }

  @Override
  protected boolean idsSurviveMoves() {
    return true;
  }
}
