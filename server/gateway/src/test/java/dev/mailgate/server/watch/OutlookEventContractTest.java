package dev.mailgate.server.watch;

import dev.mailgate.server.testing.ProviderMailbox;
import dev.mailgate.server.testing.TestGateway;

/** The events contract on Outlook. */
class OutlookEventContractTest extends EventContractTest {

  OutlookEventContractTest() {
    super(ProviderMailbox.OUTLOOK);
  }

  @Override
  protected boolean idsSurviveMoves() {
    return true;
  }

  @Override
  protected void loseHistory(TestGateway gateway, String userId, String address) throws Exception {
    gateway.providers().sandbox().graph().expireDeltaTokens();
  }
}
