package dev.mailgate.server.mail;

import dev.mailgate.proto.v1.CreateImapConnectionRequest;
import dev.mailgate.server.testing.ProviderMailbox;
import dev.mailgate.server.testing.TestGateway;

/** The provider contract on IMAP/SMTP (ImapProvider with Jakarta Mail against GreenMail). */
class ImapContractTest extends MailContractTest {

  ImapContractTest() {
    super(ProviderMailbox.IMAP);
  }

  /** See {@link ProviderMailbox#imapRequest}; kept for the IMAP tests that connect with other passwords. */
  static CreateImapConnectionRequest.Builder imapRequest(TestGateway gateway, String userId, String address,
      String password) {
    return ProviderMailbox.imapRequest(gateway, userId, address, password);
  }
}
