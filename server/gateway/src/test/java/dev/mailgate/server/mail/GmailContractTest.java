package dev.mailgate.server.mail;

import dev.mailgate.server.testing.ProviderMailbox;

/** The provider contract on Gmail (google-api-services-gmail against the Gmail sandbox). */
class GmailContractTest extends MailContractTest {

  GmailContractTest() {
    super(ProviderMailbox.GMAIL);
  }
}
