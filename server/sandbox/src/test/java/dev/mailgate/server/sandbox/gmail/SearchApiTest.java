package dev.mailgate.server.sandbox.gmail;

import static dev.mailgate.server.testing.TestMail.mail;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** messages.list filters: the q search language, labelIds, and spam/trash visibility. */
class SearchApiTest {

  private static SandboxServer server;
  private static String ada;
  private static Gmail gmail;
  private static String invoice;
  private static String lunch;
  private static String report;
  private static String spam;

  @BeforeAll
  static void seed() throws Exception {
    server = new SandboxServer();
    ada = SandboxServer.newAddress("ada");
    String project = server.sandbox.createLabel(ada, "Projects/Apollo");
    invoice = server.sandbox.deliver(ada, mail().from("Billing <billing@acme.test>").to(ada).subject("Invoice 42")
        .text("Please pay the amount due.").messageId("<invoice-42@acme.test>")
        .date(Instant.parse("2024-01-10T12:00:00Z")).bytes(), List.of("INBOX", "UNREAD"));
    lunch = server.sandbox.deliver(ada, mail().from("grace@example.org").to(ada).cc("linus@example.org")
        .subject("Lunch on Friday?").text("The usual place, noon sharp.")
        .date(Instant.parse("2024-03-10T12:00:00Z")).bytes(), List.of("INBOX", "STARRED"));
    report = server.sandbox.deliver(ada, mail().from("grace@example.org").to(ada).subject("Quarterly report")
        .text("See the attachment.").attach("q1.pdf", new byte[] {1, 2, 3})
        .date(Instant.parse("2024-04-10T12:00:00Z")).bytes(), List.of(project));
    spam = server.sandbox.deliver(ada, mail().from("prince@scam.test").to(ada).subject("Invoice overdue")
        .text("Wire money now.").date(Instant.parse("2024-04-11T12:00:00Z")).bytes(), List.of("SPAM"));
    gmail = server.gmail(ada);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static List<String> q(String query) throws IOException {
    ListMessagesResponse list = gmail.users().messages().list("me").setQ(query).execute();
    return list.getMessages() == null ? List.of() : list.getMessages().stream().map(Message::getId).toList();
  }

  @Test
  void fromMatchesAddressOrDisplayName() throws Exception {
    assertThat(q("from:grace@example.org")).containsExactly(report, lunch);
    assertThat(q("from:billing")).containsExactly(invoice);
  }

  @Test
  void toAndCcMatchRecipients() throws Exception {
    assertThat(q("cc:linus@example.org")).containsExactly(lunch);
    assertThat(q("to:me")).containsExactly(report, lunch, invoice);
  }

  @Test
  void subjectMatchesWordsAndQuotedPhrases() throws Exception {
    assertThat(q("subject:invoice")).containsExactly(invoice);
    assertThat(q("subject:\"on friday\"")).containsExactly(lunch);
  }

  @Test
  void isUnreadIsReadAndIsStarredFollowLabels() throws Exception {
    assertThat(q("is:unread")).containsExactly(invoice);
    assertThat(q("is:read")).containsExactly(report, lunch);
    assertThat(q("is:starred")).containsExactly(lunch);
  }

  @Test
  void hasAttachmentAndFilenameFindTheMessageWithTheFile() throws Exception {
    assertThat(q("has:attachment")).containsExactly(report);
    assertThat(q("filename:q1.pdf")).containsExactly(report);
  }

  @Test
  void afterAndBeforeTakeDatesAndEpochSeconds() throws Exception {
    assertThat(q("after:2024/02/01 before:2024/04/01")).containsExactly(lunch);
    assertThat(q("before:2024/02/01")).containsExactly(invoice);
    assertThat(q("after:" + Instant.parse("2024-04-01T00:00:00Z").getEpochSecond())).containsExactly(report);
    assertThat(q("older_than:1d")).containsExactly(report, lunch, invoice);
    assertThat(q("newer_than:1d")).isEmpty();
  }

  @Test
  void labelMatchesIdsAndNamesWithDashesForSlashes() throws Exception {
    assertThat(q("label:projects-apollo")).containsExactly(report);
    assertThat(q("label:inbox")).containsExactly(lunch, invoice);
    assertThat(q("in:inbox is:unread")).containsExactly(invoice);
  }

  @Test
  void freeTextMatchesSubjectAddressesAndBodyCaseInsensitively() throws Exception {
    assertThat(q("AMOUNT")).containsExactly(invoice);
    assertThat(q("\"noon sharp\"")).containsExactly(lunch);
    assertThat(q("grace noon")).containsExactly(lunch);
    assertThat(q("unknownop:noon")).isEmpty();
  }

  @Test
  void negationOrAndMessageIdTermsWork() throws Exception {
    assertThat(q("from:grace@example.org -has:attachment")).containsExactly(lunch);
    assertThat(q("subject:lunch OR subject:invoice")).containsExactly(lunch, invoice);
    assertThat(q("rfc822msgid:<invoice-42@acme.test>")).containsExactly(invoice);
  }

  @Test
  void labelIdsFilterRequiresEveryLabel() throws Exception {
    List<Message> both = gmail.users().messages().list("me").setLabelIds(List.of("INBOX", "STARRED")).execute()
        .getMessages();

    assertThat(both).extracting(Message::getId).containsExactly(lunch);
  }

  @Test
  void spamIsHiddenUnlessAskedForByParameterLabelOrQuery() throws Exception {
    assertThat(q("invoice")).containsExactly(invoice);
    assertThat(gmail.users().messages().list("me").setQ("invoice").setIncludeSpamTrash(true).execute().getMessages())
        .extracting(Message::getId).containsExactly(spam, invoice);
    assertThat(gmail.users().messages().list("me").setLabelIds(List.of("SPAM")).execute().getMessages())
        .extracting(Message::getId).containsExactly(spam);
    assertThat(q("in:anywhere invoice")).containsExactly(spam, invoice);
  }

  @Test
  void noMatchLeavesMessagesOutAndEstimatesZero() throws Exception {
    ListMessagesResponse none = gmail.users().messages().list("me").setQ("from:nobody@nowhere.test").execute();

    assertThat(none.getMessages()).isNull();
    assertThat(none.getResultSizeEstimate()).isZero();
  }
}
