package dev.mailgate.server.provider.imap;

import static dev.mailgate.server.provider.imap.ImapTestServer.await;
import static dev.mailgate.server.provider.imap.ImapTestServer.gatewayFailure;
import static dev.mailgate.server.provider.imap.ImapTestServer.mail;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.mail.LabelInfo;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.mail.MessageView;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ImapLabelTest {

  @RegisterExtension
  static final ImapTestServer server = new ImapTestServer();

  private static List<MessageSummary> search(MailboxCredential mailbox, String query) throws Exception {
    return await(server.provider().search(mailbox, query, List.of(), 20, Optional.empty())).items();
  }

  private static String deliver(MailboxCredential mailbox, String subject) throws Exception {
    server.deliver(mailbox, mail("ada@example.org", mailbox.emailAddress(), subject, "body", ""));
    return search(mailbox, "subject:\"" + subject + "\"").get(0).messageId();
  }

  @Test
  void listLabelsHasTheSystemFoldersWithCounts() throws Exception {
    MailboxCredential mailbox = server.newMailbox("labels");
    deliver(mailbox, "one");
    String read = deliver(mailbox, "two");
    await(server.provider().modify(mailbox, read, List.of(), List.of("UNREAD")));

    List<LabelInfo> labels = await(server.provider().listLabels(mailbox));

    assertThat(labels).extracting(LabelInfo::labelId).startsWith("INBOX", "SENT", "DRAFT", "TRASH");
    assertThat(labels).filteredOn(l -> l.labelId().equals("INBOX")).singleElement().satisfies(inbox -> {
      assertThat(inbox.system()).isTrue();
      assertThat(inbox.totalCount()).isEqualTo(2);
      assertThat(inbox.unreadCount()).isEqualTo(1);
    });
    assertThat(labels).filteredOn(l -> l.labelId().equals("SENT")).singleElement()
        .satisfies(sent -> assertThat(sent.name()).isEqualTo("Sent"));
  }

  @Test
  void unreadAndStarredAreTheSeenAndFlaggedFlags() throws Exception {
    MailboxCredential mailbox = server.newMailbox("labels");
    String id = deliver(mailbox, "flags");

    MessageSummary read = await(server.provider().modify(mailbox, id, List.of("STARRED"), List.of("UNREAD")));
    assertThat(read.messageId()).isEqualTo(id);
    assertThat(read.labelIds()).containsExactly("INBOX", "STARRED");
    assertThat(search(mailbox, "is:starred")).extracting(MessageSummary::messageId).containsExactly(id);

    MessageSummary unread = await(server.provider().modify(mailbox, id, List.of("UNREAD"), List.of("STARRED")));
    assertThat(unread.labelIds()).containsExactly("INBOX", "UNREAD");
  }

  @Test
  void removingInboxArchivesAndTheOldIdStillFindsTheMessage() throws Exception {
    MailboxCredential mailbox = server.newMailbox("labels");
    String id = deliver(mailbox, "archive me");

    MessageSummary archived = await(server.provider().modify(mailbox, id, List.of(), List.of("INBOX")));

    assertThat(archived.labelIds()).contains("Archive").doesNotContain("INBOX");
    assertThat(search(mailbox, "subject:\"archive me\"")).isEmpty();
    assertThat(search(mailbox, "in:archive")).extracting(MessageSummary::messageId)
        .containsExactly(archived.messageId());
    assertThat(await(server.provider().getMessage(mailbox, id, MessageView.METADATA)).summary().messageId())
        .isEqualTo(archived.messageId());
    assertThat(await(server.provider().listLabels(mailbox))).extracting(LabelInfo::labelId).contains("Archive");

    MessageSummary back = await(server.provider().modify(mailbox, archived.messageId(), List.of("INBOX"), List.of()));
    assertThat(back.labelIds()).contains("INBOX").doesNotContain("Archive");
  }

  @Test
  void addingAFolderLabelCopiesAndRemovingItDeletesTheCopy() throws Exception {
    MailboxCredential mailbox = server.newMailbox("labels");
    String id = deliver(mailbox, "file me");
    createFolder(mailbox, "Projects");

    MessageSummary labelled = await(server.provider().modify(mailbox, id, List.of("Projects"), List.of()));
    assertThat(labelled.labelIds()).contains("INBOX", "Projects");
    assertThat(search(mailbox, "label:Projects")).extracting(MessageSummary::subject).containsExactly("file me");
    assertThat(search(mailbox, "in:inbox subject:\"file me\"")).hasSize(1);

    MessageSummary unlabelled = await(server.provider().modify(mailbox, id, List.of(), List.of("Projects")));
    assertThat(unlabelled.labelIds()).contains("INBOX").doesNotContain("Projects");
    assertThat(search(mailbox, "label:Projects")).isEmpty();
  }

  @Test
  void unknownOrUnaddableLabelsAreInvalidArgumentAndChangeNothing() throws Exception {
    MailboxCredential mailbox = server.newMailbox("labels");
    String id = deliver(mailbox, "stay");

    GatewayException unknown = gatewayFailure(server.provider().modify(mailbox, id, List.of("STARRED", "Nope"),
        List.of()));
    GatewayException sent = gatewayFailure(server.provider().modify(mailbox, id, List.of("SENT"), List.of()));

    assertThat(unknown.violations()).containsExactly(new FieldViolation("add_label_ids", "unknown label Nope"));
    assertThat(sent.reason()).isEqualTo(Reason.INVALID_ARGUMENT);
    assertThat(search(mailbox, "subject:stay")).singleElement()
        .satisfies(m -> assertThat(m.labelIds()).containsExactly("INBOX", "UNREAD"));
  }

  @Test
  void trashMovesToTrashAndUntrashBringsItBackToInbox() throws Exception {
    MailboxCredential mailbox = server.newMailbox("labels");
    String id = deliver(mailbox, "oops");

    MessageSummary trashed = await(server.provider().trash(mailbox, id));
    assertThat(trashed.labelIds()).contains("TRASH").doesNotContain("INBOX");
    assertThat(search(mailbox, "in:trash")).extracting(MessageSummary::messageId).containsExactly(trashed.messageId());
    assertThat(search(mailbox, "subject:oops")).isEmpty();
    assertThat(await(server.provider().trash(mailbox, id)).messageId()).isEqualTo(trashed.messageId());

    MessageSummary restored = await(server.provider().untrash(mailbox, id));
    assertThat(restored.labelIds()).contains("INBOX").doesNotContain("TRASH");
    assertThat(search(mailbox, "in:trash")).isEmpty();
    assertThat(search(mailbox, "subject:oops")).extracting(MessageSummary::messageId)
        .containsExactly(restored.messageId());
  }

  @Test
  void theFirstIdKeepsWorkingThroughArchiveTrashAndUntrash() throws Exception {
    MailboxCredential mailbox = server.newMailbox("labels");
    String id = deliver(mailbox, "wanderer");

    await(server.provider().modify(mailbox, id, List.of("STARRED"), List.of("UNREAD")));
    assertThat(await(server.provider().modify(mailbox, id, List.of(), List.of("INBOX"))).labelIds())
        .doesNotContain("INBOX");
    assertThat(await(server.provider().trash(mailbox, id)).labelIds()).contains("TRASH", "STARRED");
    MessageSummary restored = await(server.provider().untrash(mailbox, id));

    assertThat(restored.labelIds()).containsExactly("INBOX", "STARRED");
    assertThat(search(mailbox, "subject:wanderer")).extracting(MessageSummary::messageId)
        .containsExactly(restored.messageId());
  }

  @Test
  void sentLabelFilterSearchesTheSentFolder() throws Exception {
    MailboxCredential mailbox = server.newMailbox("labels");
    MailboxCredential ada = server.newMailbox("ada");
    deliver(mailbox, "incoming");
    await(server.provider().send(mailbox, ImapTestServer.outgoing(ada.emailAddress(), "outgoing", "x"),
        "<" + UUID.randomUUID() + "@mailgate>", dev.mailgate.server.testing.UnfencedClaim.create()));

    List<MessageSummary> sent = await(server.provider().search(mailbox, "", List.of("SENT"), 10, Optional.empty()))
        .items();

    assertThat(sent).extracting(MessageSummary::subject).containsExactly("outgoing");
    assertThat(sent.get(0).labelIds()).containsExactly("SENT");
  }

  private static void createFolder(MailboxCredential mailbox, String name) throws Exception {
    server.greenMail().getManagers().getImapHostManager()
        .createMailbox(server.greenMail().getUserManager().getUser(mailbox.emailAddress()), name);
  }
}
