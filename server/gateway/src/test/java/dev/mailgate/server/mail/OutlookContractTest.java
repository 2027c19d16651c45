package dev.mailgate.server.mail;

import dev.mailgate.server.testing.ProviderMailbox;

/** The provider contract on Outlook (OutlookProvider over the WebClient against the Graph sandbox). */
class OutlookContractTest extends MailContractTest {

  OutlookContractTest() {
    super(ProviderMailbox.OUTLOOK);
  }
}
