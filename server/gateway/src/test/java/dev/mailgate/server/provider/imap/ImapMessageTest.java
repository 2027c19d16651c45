package dev.mailgate.server.provider.imap;

import static dev.mailgate.server.provider.imap.ImapTestServer.await;
import static dev.mailgate.server.provider.imap.ImapTestServer.gatewayFailure;
import static dev.mailgate.server.provider.imap.ImapTestServer.mail;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.mail.AttachmentData;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MessageDetail;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.mail.MessageView;
import dev.mailgate.server.mail.OutgoingAttachment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ImapMessageTest {

  @RegisterExtension
  static final ImapTestServer server = new ImapTestServer();

  private static final byte[] PDF = "%PDF-1.4 not really a pdf \u00e9".getBytes(StandardCharsets.UTF_8);

  private MessageSummary deliverWithAttachment(MailboxCredential mailbox) throws Exception {
    server.deliver(mailbox, mail("ada@example.org", mailbox.emailAddress(), "report attached", "plain body",
        "<p>html body</p>", new OutgoingAttachment("report.pdf", "application/pdf", PDF, "")));
    return await(server.provider().search(mailbox, "subject:report", List.of(), 10, Optional.empty())).items().get(0);
  }

  @Test
  void fullViewHasBothBodiesHeadersAndTheAttachmentList() throws Exception {
    MailboxCredential mailbox = server.newMailbox("read");
    MessageSummary summary = deliverWithAttachment(mailbox);

    MessageDetail full = await(server.provider().getMessage(mailbox, summary.messageId(), MessageView.FULL));

    assertThat(full.summary().messageId()).isEqualTo(summary.messageId());
    assertThat(full.summary().hasAttachments()).isTrue();
    assertThat(full.textBody()).isEqualTo("plain body");
    assertThat(full.htmlBody()).isEqualTo("<p>html body</p>");
    assertThat(full.headers()).anySatisfy(h -> {
      assertThat(h.name()).isEqualToIgnoringCase("subject");
      assertThat(h.value()).isEqualTo("report attached");
    });
    assertThat(full.rfc822MessageId()).startsWith("<").endsWith("@test.example>");
    assertThat(full.attachments()).singleElement().satisfies(a -> {
      assertThat(a.attachmentId()).isEqualTo("2");
      assertThat(a.filename()).isEqualTo("report.pdf");
      assertThat(a.mimeType()).isEqualTo("application/pdf");
      assertThat(a.sizeBytes()).isPositive();
    });
  }

  @Test
  void attachmentIsReadByItsPartPathAsTheOriginalBytes() throws Exception {
    MailboxCredential mailbox = server.newMailbox("read");
    MessageSummary summary = deliverWithAttachment(mailbox);
    String attachmentId = await(server.provider().getMessage(mailbox, summary.messageId(), MessageView.FULL))
        .attachments().get(0).attachmentId();

    AttachmentData attachment = await(server.provider().getAttachment(mailbox, summary.messageId(), attachmentId));

    assertThat(attachment.data()).isEqualTo(PDF);
    assertThat(attachment.filename()).isEqualTo("report.pdf");
    assertThat(attachment.mimeType()).isEqualTo("application/pdf");
  }

  @Test
  void bodyPartIsNotAnAttachmentAndUnknownPathIsNotFound() throws Exception {
    MailboxCredential mailbox = server.newMailbox("read");
    MessageSummary summary = deliverWithAttachment(mailbox);

    assertThat(gatewayFailure(server.provider().getAttachment(mailbox, summary.messageId(), "1.1")).reason())
        .isEqualTo(Reason.MESSAGE_NOT_FOUND);
    assertThat(gatewayFailure(server.provider().getAttachment(mailbox, summary.messageId(), "9")).reason())
        .isEqualTo(Reason.MESSAGE_NOT_FOUND);
  }

  @Test
  void rawViewIsTheWholeMessageAndMetadataHasHeadersButNoBodies() throws Exception {
    MailboxCredential mailbox = server.newMailbox("read");
    MessageSummary summary = deliverWithAttachment(mailbox);

    MessageDetail raw = await(server.provider().getMessage(mailbox, summary.messageId(), MessageView.RAW));
    MessageDetail metadata = await(server.provider().getMessage(mailbox, summary.messageId(), MessageView.METADATA));

    assertThat(new String(raw.raw(), StandardCharsets.UTF_8)).contains("Subject: report attached")
        .contains("filename=report.pdf");
    assertThat(metadata.headers()).anySatisfy(h -> assertThat(h.name()).isEqualToIgnoringCase("from"));
    assertThat(metadata.textBody()).isEmpty();
    assertThat(metadata.htmlBody()).isEmpty();
    assertThat(metadata.attachments()).isEmpty();
    assertThat(metadata.raw()).isEmpty();
  }

  @Test
  void readingAMessageDoesNotMarkItRead() throws Exception {
    MailboxCredential mailbox = server.newMailbox("read");
    MessageSummary summary = deliverWithAttachment(mailbox);

    await(server.provider().getMessage(mailbox, summary.messageId(), MessageView.FULL));
    await(server.provider().getAttachment(mailbox, summary.messageId(), "2"));

    assertThat(await(server.provider().getMessage(mailbox, summary.messageId(), MessageView.METADATA))
        .summary().labelIds()).contains("UNREAD");
  }

  @Test
  void messageIdsStayValidAfterThePooledConnectionIsClosedAndInANewProvider() throws Exception {
    MailboxCredential mailbox = server.newMailbox("read");
    MessageSummary summary = deliverWithAttachment(mailbox);

    server.provider().connections().closeAll();
    assertThat(server.provider().pooledConnections()).isZero();
    MessageDetail again = await(server.provider().getMessage(mailbox, summary.messageId(), MessageView.METADATA));
    List<String> idsAfterReopen = await(server.provider().search(mailbox, "", List.of(), 10, Optional.empty()))
        .items().stream().map(MessageSummary::messageId).toList();

    ImapProvider restarted = server.newProvider(Duration.ofMinutes(1));
    try {
      List<String> idsInNewProvider = await(restarted.search(mailbox, "", List.of(), 10, Optional.empty()))
          .items().stream().map(MessageSummary::messageId).toList();
      assertThat(again.summary().subject()).isEqualTo("report attached");
      assertThat(idsAfterReopen).containsExactly(summary.messageId());
      assertThat(idsInNewProvider).containsExactly(summary.messageId());
      assertThat(await(restarted.getMessage(mailbox, summary.messageId(), MessageView.FULL)).textBody())
          .isEqualTo("plain body");
    } finally {
      await(restarted.close());
    }
  }

  @Test
  void unknownIdsAreMessageNotFound() throws Exception {
    MailboxCredential mailbox = server.newMailbox("read");
    MessageSummary summary = deliverWithAttachment(mailbox);
    ImapIds.MessageRef ref = ImapIds.parseMessage(summary.messageId());
    String staleValidity = ImapIds.message(ref.folder(), ref.uidValidity() + 1, ref.uid(), "");
    String unknownUid = ImapIds.message(ref.folder(), ref.uidValidity(), ref.uid() + 100, "");

    for (String id : List.of("0123456789abcdef", "", staleValidity, unknownUid)) {
      GatewayException failure = gatewayFailure(server.provider().getMessage(mailbox, id, MessageView.FULL));
      assertThat(failure.reason()).as(id).isEqualTo(Reason.MESSAGE_NOT_FOUND);
    }
  }

  @Test
  void deletedMessageIsMessageNotFound() throws Exception {
    MailboxCredential mailbox = server.newMailbox("read");
    MessageSummary summary = deliverWithAttachment(mailbox);
    server.clearInbox(mailbox);

    GatewayException failure = gatewayFailure(server.provider().getMessage(mailbox, summary.messageId(),
        MessageView.METADATA));

    assertThat(failure.reason()).isEqualTo(Reason.MESSAGE_NOT_FOUND);
  }
}
