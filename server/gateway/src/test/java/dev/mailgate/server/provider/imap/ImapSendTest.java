package dev.mailgate.server.provider.imap;

import dev.mailgate.server.testing.GreenMailQuirks;
import static dev.mailgate.server.provider.imap.ImapTestServer.await;
import static dev.mailgate.server.provider.imap.ImapTestServer.gatewayFailure;
import static dev.mailgate.server.provider.imap.ImapTestServer.mail;
import static dev.mailgate.server.provider.imap.ImapTestServer.outgoing;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.error.Reason;
import dev.mailgate.server.mail.MailAddress;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MessageDetail;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.mail.MessageView;
import dev.mailgate.server.mail.OutgoingMessage;
import dev.mailgate.server.mail.SentMessage;
import dev.mailgate.server.mail.ThreadDetail;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ImapSendTest {

  @RegisterExtension
  static final ImapTestServer server = new ImapTestServer();

  private static String newMessageId() {
    return "<" + UUID.randomUUID() + "@mailgate>";
  }

  private static List<MessageSummary> search(MailboxCredential mailbox, String query) throws Exception {
    return await(server.provider().search(mailbox, query, List.of(), 20, Optional.empty())).items();
  }

  @Test
  void sentMessageReachesTheRecipientsInboxAndTheSendersSentFolder() throws Exception {
    MailboxCredential sender = server.newMailbox("sender");
    MailboxCredential recipient = server.newMailbox("recipient");
    String messageIdHeader = newMessageId();

    SentMessage sent = await(server.provider().send(sender, outgoing(recipient.emailAddress(), "hello there", "hi!"),
        messageIdHeader, dev.mailgate.server.testing.UnfencedClaim.create()));

    List<MessageSummary> received = search(recipient, "subject:\"hello there\"");
    assertThat(received).singleElement().satisfies(m -> {
      assertThat(m.from().address()).isEqualTo(sender.emailAddress());
      assertThat(m.labelIds()).contains("INBOX", "UNREAD");
    });
    assertThat(await(server.provider().getMessage(recipient, received.get(0).messageId(), MessageView.METADATA))
        .rfc822MessageId()).isEqualTo(messageIdHeader);
    List<MessageSummary> inSent = search(sender, "in:sent subject:\"hello there\"");
    assertThat(inSent).extracting(MessageSummary::messageId).containsExactly(sent.messageId());
    assertThat(inSent.get(0).labelIds()).contains("SENT").doesNotContain("UNREAD");
    assertThat(await(server.provider().findSent(sender, messageIdHeader, dev.mailgate.server.testing.UnfencedClaim.create()))).contains(sent);
  }

  @Test
  void findSentOfAMessageNeverSentIsEmpty() throws Exception {
    MailboxCredential sender = server.newMailbox("sender");

    assertThat(await(server.provider().findSent(sender, newMessageId(), dev.mailgate.server.testing.UnfencedClaim.create()))).isEmpty();
  }

  @Test
  void bccRecipientGetsTheMessageWithoutTheBccHeader() throws Exception {
    MailboxCredential sender = server.newMailbox("sender");
    MailboxCredential to = server.newMailbox("to");
    MailboxCredential hidden = server.newMailbox("hidden");
    OutgoingMessage message = new OutgoingMessage(List.of(MailAddress.of(to.emailAddress())), List.of(),
        List.of(MailAddress.of(hidden.emailAddress())), "quiet copy", "text", "", List.of(), "");

    await(server.provider().send(sender, message, newMessageId(), dev.mailgate.server.testing.UnfencedClaim.create()));

    MessageSummary atHidden = search(hidden, "subject:\"quiet copy\"").get(0);
    MessageDetail atTo = await(server.provider().getMessage(to, search(to, "subject:\"quiet copy\"").get(0).messageId(),
        MessageView.RAW));
    assertThat(atHidden.subject()).isEqualTo("quiet copy");
    assertThat(new String(atTo.raw())).doesNotContainIgnoringCase("bcc:").doesNotContain(hidden.emailAddress());
  }

  @Test
  void replyJoinsTheThreadOfTheOriginalAndGetThreadReturnsBothOldestFirst() throws Exception {
    GreenMailQuirks.assumeAppendDatesParse();
    MailboxCredential mailbox = server.newMailbox("thread");
    MailboxCredential ada = server.newMailbox("ada");
    server.deliver(mailbox, mail(ada.emailAddress(), mailbox.emailAddress(), "lunch?", "lunch at noon?", ""));
    MessageSummary original = search(mailbox, "subject:lunch?").get(0);
    String originalRfc822Id = await(server.provider().getMessage(mailbox, original.messageId(), MessageView.METADATA))
        .rfc822MessageId();
    OutgoingMessage reply = new OutgoingMessage(List.of(MailAddress.of(ada.emailAddress())), List.of(), List.of(), "",
        "noon works", "", List.of(), original.messageId());

    SentMessage sent = await(server.provider().send(mailbox, reply, newMessageId(), dev.mailgate.server.testing.UnfencedClaim.create()));

    assertThat(sent.threadId()).isEqualTo(original.threadId());
    ThreadDetail thread = await(server.provider().getThread(mailbox, original.threadId()));
    assertThat(thread.threadId()).isEqualTo(original.threadId());
    assertThat(thread.messages()).extracting(m -> m.summary().subject()).containsExactly("lunch?", "Re: lunch?");
    MessageDetail replied = thread.messages().get(1);
    assertThat(replied.summary().messageId()).isEqualTo(sent.messageId());
    assertThat(replied.summary().labelIds()).contains("SENT");
    assertThat(replied.headers()).anySatisfy(h -> {
      assertThat(h.name()).isEqualToIgnoringCase("In-Reply-To");
      assertThat(h.value()).isEqualTo(originalRfc822Id);
    });
    MessageSummary atAda = search(ada, "subject:\"Re: lunch?\"").get(0);
    assertThat(atAda.threadId()).isEqualTo(original.threadId());
  }

  @Test
  void unknownThreadIsMessageNotFound() throws Exception {
    MailboxCredential mailbox = server.newMailbox("thread");

    assertThat(gatewayFailure(server.provider().getThread(mailbox, ImapIds.thread(newMessageId(), ""))).reason())
        .isEqualTo(Reason.MESSAGE_NOT_FOUND);
    assertThat(gatewayFailure(server.provider().getThread(mailbox, "%%")).reason())
        .isEqualTo(Reason.MESSAGE_NOT_FOUND);
  }

  @Test
  void replyToAnUnknownMessageIsMessageNotFoundAndNothingIsSent() throws Exception {
    MailboxCredential mailbox = server.newMailbox("thread");
    MailboxCredential ada = server.newMailbox("ada");
    OutgoingMessage reply = new OutgoingMessage(List.of(MailAddress.of(ada.emailAddress())), List.of(), List.of(),
        "orphan", "text", "", List.of(), ImapIds.message("INBOX", 1, 999, ""));

    assertThat(gatewayFailure(server.provider().send(mailbox, reply, newMessageId(), dev.mailgate.server.testing.UnfencedClaim.create())).reason())
        .isEqualTo(Reason.MESSAGE_NOT_FOUND);
    assertThat(search(ada, "subject:orphan")).isEmpty();
  }
}
