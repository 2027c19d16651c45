package dev.mailgate.server.sandbox.gmail;

import static dev.mailgate.server.testing.TestMail.mail;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.Label;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.ModifyMessageRequest;
import com.google.api.services.gmail.model.ModifyThreadRequest;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** users.labels and the label changes of messages: modify, trash, untrash, delete. */
class LabelsApiTest {

  private static SandboxServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new SandboxServer();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static String deliver(String to, String subject, String... labels) {
    return server.sandbox.deliver(to, mail().from("grace@example.org").to(to).subject(subject).text("x").bytes(),
        List.of(labels));
  }

  @Test
  void labelsListHasTheSystemLabels() throws Exception {
    String ada = SandboxServer.newAddress("ada");

    List<Label> labels = server.gmail(ada).users().labels().list("me").execute().getLabels();

    assertThat(labels).extracting(Label::getId).contains("INBOX", "SENT", "DRAFT", "TRASH", "SPAM", "STARRED",
        "UNREAD", "IMPORTANT", "CATEGORY_PERSONAL");
    assertThat(labels).allMatch(l -> "system".equals(l.getType()));
    assertThat(labels).filteredOn(l -> l.getId().equals("TRASH")).first()
        .satisfies(l -> assertThat(l.getLabelListVisibility()).isEqualTo("labelHide"));
  }

  @Test
  void labelGetCountsMessagesAndThreadsTotalAndUnread() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    deliver(ada, "one", "INBOX", "UNREAD");
    deliver(ada, "two", "INBOX");
    deliver(ada, "three", "SENT");

    Label inbox = server.gmail(ada).users().labels().get("me", "INBOX").execute();

    assertThat(inbox.getMessagesTotal()).isEqualTo(2);
    assertThat(inbox.getMessagesUnread()).isEqualTo(1);
    assertThat(inbox.getThreadsTotal()).isEqualTo(2);
    assertThat(inbox.getThreadsUnread()).isEqualTo(1);
  }

  @Test
  void createdLabelIsAUserLabelAndATakenNameIs409() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    Gmail gmail = server.gmail(ada);

    Label created = gmail.users().labels().create("me", label("Receipts")).execute();
    GoogleJsonResponseException duplicate = Assertions.catchThrowableOfType(GoogleJsonResponseException.class,
        () -> gmail.users().labels().create("me", label("receipts")).execute());

    assertThat(created.getId()).isEqualTo("Label_1");
    assertThat(created.getType()).isEqualTo("user");
    assertThat(created.getMessageListVisibility()).isEqualTo("hide");
    assertThat(created.getLabelListVisibility()).isEqualTo("labelShowIfUnread");
    assertThat(duplicate.getStatusCode()).isEqualTo(409);
    assertThat(duplicate.getDetails().getMessage()).isEqualTo("Label name exists or conflicts");
    assertThat(gmail.users().labels().list("me").execute().getLabels()).filteredOn(l -> "user".equals(l.getType()))
        .extracting(Label::getName).containsExactly("Receipts");
  }

  @Test
  void labelPatchTunnelledThroughPostRenamesTheLabel() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    Gmail gmail = server.gmail(ada);
    Label created = gmail.users().labels().create("me", label("Receipts")).execute();

    Label patched = gmail.users().labels().patch("me", created.getId(), new Label().setName("Invoices")).execute();

    assertThat(patched.getName()).isEqualTo("Invoices");
    assertThat(patched.getMessageListVisibility()).isEqualTo("hide");
    assertThat(gmail.users().labels().get("me", created.getId()).execute().getName()).isEqualTo("Invoices");
  }

  @Test
  void threadModifyAndTrashApplyToEveryMessageOfTheThread() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    String first = server.sandbox.deliver(ada, mail().from("grace@example.org").to(ada).subject("Plan")
        .messageId("<p1@example.org>").text("a").bytes(), List.of("INBOX", "UNREAD"));
    String second = server.sandbox.deliver(ada, mail().from("grace@example.org").to(ada).subject("Re: Plan")
        .header("In-Reply-To", "<p1@example.org>").text("b").bytes(), List.of("INBOX", "UNREAD"));
    Gmail gmail = server.gmail(ada);

    var read = gmail.users().threads().modify("me", first,
        new ModifyThreadRequest().setRemoveLabelIds(List.of("UNREAD"))).execute();
    gmail.users().threads().trash("me", first).execute();

    assertThat(read.getMessages()).extracting(Message::getId).containsExactly(first, second);
    assertThat(server.sandbox.labelsOf(ada, second)).containsExactly("TRASH");
    assertThat(server.sandbox.count(ada, "TRASH")).isEqualTo(2);
  }

  /** The client insists on both visibilities for labels.create. */
  private static Label label(String name) {
    return new Label().setName(name).setMessageListVisibility("hide").setLabelListVisibility("labelShowIfUnread");
  }

  @Test
  void modifyMarksReadArchivesAndStars() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    String id = deliver(ada, "news", "INBOX", "UNREAD");

    Message modified = server.gmail(ada).users().messages().modify("me", id, new ModifyMessageRequest()
        .setAddLabelIds(List.of("STARRED")).setRemoveLabelIds(List.of("UNREAD", "INBOX"))).execute();

    assertThat(modified.getLabelIds()).containsExactly("STARRED");
    assertThat(server.sandbox.labelsOf(ada, id)).containsExactly("STARRED");
    assertThat(server.sandbox.count(ada, "INBOX")).isZero();
  }

  @Test
  void modifyWithAnUnknownLabelIsInvalidArgumentAndChangesNothing() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    String id = deliver(ada, "news", "INBOX", "UNREAD");

    GoogleJsonResponseException e = Assertions.catchThrowableOfType(GoogleJsonResponseException.class,
        () -> server.gmail(ada).users().messages().modify("me", id, new ModifyMessageRequest()
            .setRemoveLabelIds(List.of("UNREAD")).setAddLabelIds(List.of("Label_99"))).execute());

    assertThat(e.getStatusCode()).isEqualTo(400);
    assertThat(e.getDetails().getErrors().get(0).getReason()).isEqualTo("invalidArgument");
    assertThat(e.getDetails().getMessage()).isEqualTo("Invalid label: Label_99");
    assertThat(server.sandbox.labelsOf(ada, id)).containsExactly("INBOX", "UNREAD");
  }

  @Test
  void trashLeavesTheInboxAndUntrashBringsItBack() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    String id = deliver(ada, "oops", "INBOX", "UNREAD");
    Gmail gmail = server.gmail(ada);

    Message trashed = gmail.users().messages().trash("me", id).execute();
    List<Message> listed = gmail.users().messages().list("me").execute().getMessages();
    Message untrashed = gmail.users().messages().untrash("me", id).execute();

    assertThat(trashed.getLabelIds()).containsExactlyInAnyOrder("UNREAD", "TRASH");
    assertThat(listed).isNull();
    assertThat(untrashed.getLabelIds()).containsExactlyInAnyOrder("UNREAD", "INBOX");
  }

  @Test
  void deletedMessageIsNotFoundAfterwards() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    String id = deliver(ada, "bye", "INBOX");
    Gmail gmail = server.gmail(ada);

    gmail.users().messages().delete("me", id).execute();

    GoogleJsonResponseException e = Assertions.catchThrowableOfType(GoogleJsonResponseException.class,
        () -> gmail.users().messages().get("me", id).execute());
    assertThat(e.getStatusCode()).isEqualTo(404);
    assertThat(server.sandbox.count(ada, "INBOX")).isZero();
  }
}
