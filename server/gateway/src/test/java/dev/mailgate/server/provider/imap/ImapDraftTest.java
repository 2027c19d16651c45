package dev.mailgate.server.provider.imap;

import static dev.mailgate.server.provider.imap.ImapTestServer.await;
import static dev.mailgate.server.provider.imap.ImapTestServer.gatewayFailure;
import static dev.mailgate.server.provider.imap.ImapTestServer.mail;
import static dev.mailgate.server.provider.imap.ImapTestServer.outgoing;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.error.Reason;
import dev.mailgate.server.mail.DraftDetail;
import dev.mailgate.server.mail.MailAddress;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.mail.MessageView;
import dev.mailgate.server.mail.OutgoingAttachment;
import dev.mailgate.server.mail.OutgoingMessage;
import dev.mailgate.server.store.Page;
import dev.mailgate.server.mail.SentMessage;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ImapDraftTest {

  @RegisterExtension
  static final ImapTestServer server = new ImapTestServer();

  private static List<MessageSummary> search(MailboxCredential mailbox, String query) throws Exception {
    return await(server.provider().search(mailbox, query, List.of(), 20, Optional.empty())).items();
  }

  @Test
  void createdDraftCanBeReadAndListed() throws Exception {
    MailboxCredential mailbox = server.newMailbox("drafts");
    OutgoingMessage content = new OutgoingMessage(List.of(MailAddress.of("ada@example.org")), List.of(), List.of(),
        "plan", "first version", "", List.of(new OutgoingAttachment("plan.txt", "text/plain", "steps".getBytes(), "")),
        "");

    DraftDetail created = await(server.provider().createDraft(mailbox, content));
    DraftDetail read = await(server.provider().getDraft(mailbox, created.draftId()));
    Page<DraftDetail> listed = await(server.provider().listDrafts(mailbox, 10, Optional.empty()));

    assertThat(read.draftId()).isEqualTo(created.draftId());
    assertThat(read.rfc822MessageId()).isEqualTo(created.rfc822MessageId()).startsWith("<");
    assertThat(read.content().subject()).isEqualTo("plan");
    assertThat(read.content().textBody()).isEqualTo("first version");
    assertThat(read.content().to()).extracting(MailAddress::address).containsExactly("ada@example.org");
    assertThat(read.content().attachments()).singleElement().satisfies(a -> assertThat(a.data()).isEqualTo("steps".getBytes()));
    assertThat(listed.items()).extracting(DraftDetail::draftId).containsExactly(created.draftId());
    assertThat(search(mailbox, "in:drafts")).singleElement().satisfies(m -> {
      assertThat(m.messageId()).isEqualTo(read.messageId());
      assertThat(m.labelIds()).contains("DRAFT").doesNotContain("UNREAD");
    });
  }

  @Test
  void updatedDraftKeepsItsIdAndReplacesTheOldVersion() throws Exception {
    MailboxCredential mailbox = server.newMailbox("drafts");
    DraftDetail created = await(server.provider().createDraft(mailbox, outgoing("ada@example.org", "plan", "v1")));

    DraftDetail updated = await(server.provider().updateDraft(mailbox, created.draftId(),
        outgoing("bob@example.org", "plan B", "v2")));

    assertThat(updated.draftId()).isEqualTo(created.draftId());
    assertThat(updated.rfc822MessageId()).isEqualTo(created.rfc822MessageId());
    assertThat(updated.content().subject()).isEqualTo("plan B");
    assertThat(await(server.provider().getDraft(mailbox, created.draftId())).content().textBody()).isEqualTo("v2");
    assertThat(await(server.provider().listDrafts(mailbox, 10, Optional.empty())).items()).hasSize(1);
    assertThat(search(mailbox, "in:drafts")).extracting(MessageSummary::subject).containsExactly("plan B");
  }

  @Test
  void updatingAReplyDraftKeepsItThreaded() throws Exception {
    MailboxCredential mailbox = server.newMailbox("drafts");
    server.deliver(mailbox, mail("ada@example.org", mailbox.emailAddress(), "question", "?", ""));
    MessageSummary original = search(mailbox, "subject:question").get(0);
    OutgoingMessage reply = new OutgoingMessage(List.of(MailAddress.of("ada@example.org")), List.of(), List.of(), "",
        "answer v1", "", List.of(), original.messageId());

    DraftDetail created = await(server.provider().createDraft(mailbox, reply));
    DraftDetail updated = await(server.provider().updateDraft(mailbox, created.draftId(),
        outgoing("ada@example.org", "Re: question", "answer v2")));

    assertThat(created.threadId()).isEqualTo(original.threadId());
    assertThat(updated.threadId()).isEqualTo(original.threadId());
  }

  @Test
  void sentDraftGoesOutKeepsItsMessageIdAndLeavesDrafts() throws Exception {
    MailboxCredential mailbox = server.newMailbox("drafts");
    MailboxCredential recipient = server.newMailbox("recipient");
    DraftDetail draft = await(server.provider().createDraft(mailbox, outgoing(recipient.emailAddress(), "from a draft",
        "drafted text")));

    SentMessage sent = await(server.provider().sendDraft(mailbox, draft.draftId(), dev.mailgate.server.testing.UnfencedClaim.create()));

    MessageSummary received = search(recipient, "subject:\"from a draft\"").get(0);
    assertThat(await(server.provider().getMessage(recipient, received.messageId(), MessageView.METADATA))
        .rfc822MessageId()).isEqualTo(draft.rfc822MessageId());
    assertThat(await(server.provider().findSent(mailbox, draft.rfc822MessageId(), dev.mailgate.server.testing.UnfencedClaim.create()))).contains(sent);
    assertThat(gatewayFailure(server.provider().getDraft(mailbox, draft.draftId())).reason())
        .isEqualTo(Reason.MESSAGE_NOT_FOUND);
    assertThat(await(server.provider().listDrafts(mailbox, 10, Optional.empty())).items()).isEmpty();
  }

  @Test
  void deletedDraftIsGoneAndDeletingItAgainIsMessageNotFound() throws Exception {
    MailboxCredential mailbox = server.newMailbox("drafts");
    DraftDetail draft = await(server.provider().createDraft(mailbox, outgoing("ada@example.org", "scrap", "x")));

    await(server.provider().deleteDraft(mailbox, draft.draftId()));

    assertThat(gatewayFailure(server.provider().getDraft(mailbox, draft.draftId())).reason())
        .isEqualTo(Reason.MESSAGE_NOT_FOUND);
    assertThat(gatewayFailure(server.provider().deleteDraft(mailbox, draft.draftId())).reason())
        .isEqualTo(Reason.MESSAGE_NOT_FOUND);
    assertThat(gatewayFailure(server.provider().getDraft(mailbox, "not-a-draft-id")).reason())
        .isEqualTo(Reason.MESSAGE_NOT_FOUND);
  }

  @Test
  void draftsArePagedNewestFirst() throws Exception {
    MailboxCredential mailbox = server.newMailbox("drafts");
    for (int i = 1; i <= 3; i++) {
      await(server.provider().createDraft(mailbox, outgoing("ada@example.org", "draft " + i, "x")));
    }

    Page<DraftDetail> first = await(server.provider().listDrafts(mailbox, 2, Optional.empty()));
    Page<DraftDetail> second = await(server.provider().listDrafts(mailbox, 2, first.nextPageToken()));

    assertThat(first.items()).extracting(d -> d.content().subject()).containsExactly("draft 3", "draft 2");
    assertThat(second.items()).extracting(d -> d.content().subject()).containsExactly("draft 1");
    assertThat(second.nextPageToken()).isEmpty();
  }
}
