package dev.mailgate.server.provider.imap;

import static dev.mailgate.server.provider.imap.ImapTestServer.await;
import static dev.mailgate.server.provider.imap.ImapTestServer.gatewayFailure;
import static dev.mailgate.server.provider.imap.ImapTestServer.mail;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.mail.OutgoingAttachment;
import dev.mailgate.server.store.Page;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ImapSearchTest {

  @RegisterExtension
  static final ImapTestServer server = new ImapTestServer();

  private Page<MessageSummary> search(MailboxCredential mailbox, String query) throws Exception {
    return await(server.provider().search(mailbox, query, List.of(), 20, Optional.empty()));
  }

  private static List<String> subjects(Page<MessageSummary> page) {
    return page.items().stream().map(MessageSummary::subject).toList();
  }

  @Test
  void searchBySubjectFindsMatchesNewestFirstWithSummaryFields() throws Exception {
    MailboxCredential mailbox = server.newMailbox("search");
    server.deliver(mailbox, mail("ada@example.org", mailbox.emailAddress(), "budget first", "one", ""));
    server.deliver(mailbox, mail("bob@example.org", mailbox.emailAddress(), "holiday", "two", ""));
    server.deliver(mailbox, mail("ada@example.org", mailbox.emailAddress(), "budget second", "the second body", ""));

    Page<MessageSummary> found = search(mailbox, "subject:budget");

    assertThat(subjects(found)).containsExactly("budget second", "budget first");
    MessageSummary newest = found.items().get(0);
    assertThat(newest.from().address()).isEqualTo("ada@example.org");
    assertThat(newest.to()).extracting(a -> a.address()).containsExactly(mailbox.emailAddress());
    assertThat(newest.labelIds()).containsExactly("INBOX", "UNREAD");
    assertThat(newest.snippet()).isEqualTo("the second body");
    assertThat(newest.receiveTime()).isNotNull();
    assertThat(newest.hasAttachments()).isFalse();
    assertThat(found.nextPageToken()).isEmpty();
  }

  @Test
  void searchByFromAndByFreeWords() throws Exception {
    MailboxCredential mailbox = server.newMailbox("search");
    server.deliver(mailbox, mail("ada@example.org", mailbox.emailAddress(), "from ada", "apples", ""));
    server.deliver(mailbox, mail("bob@example.org", mailbox.emailAddress(), "from bob", "pears and apples", ""));

    // GreenMail matches FROM against the whole address; IMAP servers generally match substrings.
    assertThat(subjects(search(mailbox, "from:bob@example.org"))).containsExactly("from bob");
    assertThat(subjects(search(mailbox, "pears"))).containsExactly("from bob");
    assertThat(subjects(search(mailbox, "apples -from:ada@example.org"))).containsExactly("from bob");
  }

  @Test
  void isUnreadAndIsReadFollowTheSeenFlag() throws Exception {
    MailboxCredential mailbox = server.newMailbox("search");
    server.deliver(mailbox, mail("ada@example.org", mailbox.emailAddress(), "will be read", "x", ""));
    server.deliver(mailbox, mail("ada@example.org", mailbox.emailAddress(), "stays unread", "y", ""));
    String read = search(mailbox, "subject:\"will be read\"").items().get(0).messageId();
    await(server.provider().modify(mailbox, read, List.of(), List.of("UNREAD")));

    assertThat(subjects(search(mailbox, "is:unread"))).containsExactly("stays unread");
    assertThat(subjects(search(mailbox, "is:read"))).containsExactly("will be read");
    assertThat(subjects(await(server.provider().search(mailbox, "", List.of("UNREAD"), 20, Optional.empty()))))
        .containsExactly("stays unread");
  }

  @Test
  void hasAttachmentKeepsOnlyMessagesWithAnAttachment() throws Exception {
    MailboxCredential mailbox = server.newMailbox("search");
    server.deliver(mailbox, mail("ada@example.org", mailbox.emailAddress(), "with file", "see file", "",
        new OutgoingAttachment("notes.txt", "text/plain", "notes".getBytes(), "")));
    server.deliver(mailbox, mail("ada@example.org", mailbox.emailAddress(), "html only", "", "<p>no file</p>"));

    Page<MessageSummary> found = search(mailbox, "has:attachment");

    assertThat(subjects(found)).containsExactly("with file");
    assertThat(found.items().get(0).hasAttachments()).isTrue();
  }

  @Test
  void afterAndBeforeCompareTheReceiveDay() throws Exception {
    MailboxCredential mailbox = server.newMailbox("search");
    Date old = Date.from(LocalDate.of(2020, 1, 15).atStartOfDay(ZoneId.systemDefault()).plusHours(12).toInstant());
    server.deliverAt(mailbox, mail("ada@example.org", mailbox.emailAddress(), "old news", "x", ""), old);
    server.deliver(mailbox, mail("ada@example.org", mailbox.emailAddress(), "fresh news", "y", ""));

    assertThat(subjects(search(mailbox, "after:2024/01/01"))).containsExactly("fresh news");
    assertThat(subjects(search(mailbox, "before:2021/01/01"))).containsExactly("old news");
    assertThat(subjects(search(mailbox, "after:2020/01/15 before:2020-01-16"))).containsExactly("old news");
  }

  @Test
  void pagesFollowEachOtherWithoutGapsOrRepeats() throws Exception {
    MailboxCredential mailbox = server.newMailbox("search");
    for (int i = 1; i <= 7; i++) {
      server.deliver(mailbox, mail("ada@example.org", mailbox.emailAddress(), "page mail " + i, "body", ""));
    }
    List<String> seen = new ArrayList<>();
    Optional<String> token = Optional.empty();
    int pages = 0;
    do {
      Page<MessageSummary> page = await(server.provider().search(mailbox, "subject:page", List.of(), 3, token));
      assertThat(page.items()).hasSizeLessThanOrEqualTo(3);
      seen.addAll(subjects(page));
      token = page.nextPageToken();
      pages++;
    } while (token.isPresent());

    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactly("page mail 7", "page mail 6", "page mail 5", "page mail 4", "page mail 3",
        "page mail 2", "page mail 1");
  }

  @Test
  void unsupportedTermIsInvalidArgumentNamingTheTerm() throws Exception {
    MailboxCredential mailbox = server.newMailbox("search");

    GatewayException failure = gatewayFailure(server.provider().search(mailbox, "larger:10M", List.of(), 10,
        Optional.empty()));

    assertThat(failure.reason()).isEqualTo(Reason.INVALID_ARGUMENT);
    assertThat(failure.violations()).containsExactly(new FieldViolation("query", "unsupported term larger:10M"));
  }

  @Test
  void unknownLabelIsInvalidArgument() throws Exception {
    MailboxCredential mailbox = server.newMailbox("search");

    GatewayException failure = gatewayFailure(server.provider().search(mailbox, "", List.of("NO_SUCH_FOLDER"), 10,
        Optional.empty()));

    assertThat(failure.reason()).isEqualTo(Reason.INVALID_ARGUMENT);
    assertThat(failure.violations()).containsExactly(new FieldViolation("label_ids", "unknown label NO_SUCH_FOLDER"));
  }

  @Test
  void malformedPageTokenIsInvalidArgument() throws Exception {
    MailboxCredential mailbox = server.newMailbox("search");

    GatewayException failure = gatewayFailure(server.provider().search(mailbox, "", List.of(), 10,
        Optional.of("not a token")));

    assertThat(failure.violations()).extracting(FieldViolation::field).containsExactly("page_token");
  }

  @Test
  void searchInAnEmptyFolderAndInAMissingSpamFolderFindsNothing() throws Exception {
    MailboxCredential mailbox = server.newMailbox("search");

    assertThat(search(mailbox, "in:trash").items()).isEmpty();
    assertThat(search(mailbox, "in:spam").items()).isEmpty();
  }
}
