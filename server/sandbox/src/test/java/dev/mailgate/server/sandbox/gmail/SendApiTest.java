package dev.mailgate.server.sandbox.gmail;

import static dev.mailgate.server.testing.TestMail.mail;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.ByteArrayContent;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.History;
import com.google.api.services.gmail.model.ListHistoryResponse;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.ModifyMessageRequest;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** messages.send, JSON and media upload: SENT for the sender, INBOX for sandbox recipients, history. */
class SendApiTest {

  private static SandboxServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new SandboxServer();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void sentMessageLandsInSentAndInTheInboxOfEachSandboxRecipient() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    String grace = SandboxServer.newAddress("grace");
    String linus = SandboxServer.newAddress("linus");
    String stranger = SandboxServer.newAddress("stranger");
    server.sandbox.createMailbox(grace);
    server.sandbox.createMailbox(linus);

    Message sent = server.gmail(ada).users().messages().send("me", mail().to(grace + ", " + stranger).bcc(linus)
        .subject("Launch").text("We launch at dawn.").message()).execute();

    assertThat(sent.getLabelIds()).containsExactly("SENT");
    assertThat(sent.getThreadId()).isEqualTo(sent.getId());
    assertThat(server.sandbox.count(ada, "SENT")).isEqualTo(1);
    String stored = new String(server.sandbox.raw(ada, sent.getId()), StandardCharsets.UTF_8);
    assertThat(stored).contains("From: " + ada).contains("Message-ID: <").contains("Bcc: " + linus);
    Message atGrace = server.gmail(grace).users().messages().list("me").setQ("subject:launch").execute()
        .getMessages().get(0);
    assertThat(server.sandbox.labelsOf(grace, atGrace.getId())).containsExactly("INBOX", "UNREAD");
    assertThat(new String(server.sandbox.raw(grace, atGrace.getId()), StandardCharsets.UTF_8)).doesNotContain("Bcc:");
    assertThat(server.sandbox.count(linus, "INBOX")).isEqualTo(1);
    assertThat(server.sandbox.count(stranger, "INBOX")).isZero();
    assertThat(server.sandbox.calls("POST", "/messages/send")).isPositive();
  }

  @Test
  void replyWithInReplyToAndReferencesJoinsTheThreadOnBothSides() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    String grace = SandboxServer.newAddress("grace");
    server.sandbox.createMailbox(grace);
    Gmail adaGmail = server.gmail(ada);
    Message first = adaGmail.users().messages().send("me", mail().to(grace).subject("Plan")
        .messageId("<plan-1@example.com>").text("Shall we?").message()).execute();
    Gmail graceGmail = server.gmail(grace);
    String graceThread = graceGmail.users().messages().list("me").execute().getMessages().get(0).getThreadId();

    Message reply = graceGmail.users().messages().send("me", mail().to(ada).subject("Re: Plan")
        .header("In-Reply-To", "<plan-1@example.com>").header("References", "<plan-1@example.com>")
        .text("Yes.").message().setThreadId(graceThread)).execute();

    assertThat(reply.getThreadId()).isEqualTo(graceThread);
    var adaThread = adaGmail.users().threads().get("me", first.getThreadId()).execute();
    assertThat(adaThread.getMessages()).hasSize(2);
    assertThat(adaThread.getMessages().get(0).getId()).isEqualTo(first.getId());
    assertThat(adaThread.getMessages().get(1).getLabelIds()).containsExactly("INBOX", "UNREAD");
    assertThat(adaThread.getMessages().get(1).getPayload().getHeaders()).anyMatch(h -> h.getValue().equals("Re: Plan"));
    var threads = adaGmail.users().threads().list("me").execute();
    assertThat(threads.getThreads()).hasSize(1);
    assertThat(threads.getThreads().get(0).getSnippet()).isEqualTo("Yes.");
  }

  @Test
  void replyWithAnotherSubjectStartsANewThread() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    Gmail gmail = server.gmail(ada);
    Message first = gmail.users().messages().send("me", mail().to("x@example.net").subject("Plan")
        .messageId("<plan-2@example.com>").text("a").message()).execute();

    Message other = gmail.users().messages().send("me", mail().to("x@example.net").subject("Something else")
        .header("In-Reply-To", "<plan-2@example.com>").text("b").message()).execute();

    assertThat(other.getThreadId()).isNotEqualTo(first.getThreadId());
  }

  @Test
  void historyAfterTheProfileHistoryIdListsTheSendAndTheLabelChange() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    Gmail gmail = server.gmail(ada);
    BigInteger start = gmail.users().getProfile("me").execute().getHistoryId();
    Message sent = gmail.users().messages().send("me", mail().to("x@example.net").subject("Hi").text("a").message())
        .execute();
    gmail.users().messages().modify("me", sent.getId(),
        new ModifyMessageRequest().setAddLabelIds(List.of("STARRED"))).execute();

    ListHistoryResponse history = gmail.users().history().list("me").setStartHistoryId(start).execute();
    ListHistoryResponse added = gmail.users().history().list("me").setStartHistoryId(start)
        .setHistoryTypes(List.of("messageAdded")).execute();

    assertThat(history.getHistory()).hasSize(2);
    History first = history.getHistory().get(0);
    assertThat(first.getMessagesAdded().get(0).getMessage().getId()).isEqualTo(sent.getId());
    assertThat(first.getMessagesAdded().get(0).getMessage().getLabelIds()).containsExactly("SENT");
    assertThat(history.getHistory().get(1).getLabelsAdded().get(0).getLabelIds()).containsExactly("STARRED");
    assertThat(history.getHistoryId()).isEqualTo(history.getHistory().get(1).getId());
    assertThat(added.getHistory()).hasSize(1);
    assertThat(gmail.users().getProfile("me").execute().getHistoryId()).isEqualTo(history.getHistoryId());
  }

  @Test
  void sendWithoutRecipientsIsInvalidArgument() throws Exception {
    String ada = SandboxServer.newAddress("ada");

    GoogleJsonResponseException e = Assertions.catchThrowableOfType(GoogleJsonResponseException.class,
        () -> server.gmail(ada).users().messages().send("me", mail().subject("to nobody").text("x").message()).execute());

    assertThat(e.getStatusCode()).isEqualTo(400);
    assertThat(e.getDetails().getErrors().get(0).getReason()).isEqualTo("invalidArgument");
    assertThat(e.getDetails().getMessage()).isEqualTo("Recipient address required");
    assertThat(server.sandbox.count(ada, "SENT")).isZero();
  }

  @Test
  void thirtyMegabyteRawSendIsStoredByteForByte() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    String grace = SandboxServer.newAddress("grace");
    server.sandbox.createMailbox(grace);
    byte[] big = new byte[22 * 1024 * 1024];
    new Random(7).nextBytes(big);
    byte[] raw = mail().from(ada).to(grace).subject("Big").text("see attached").attach("big.bin", big).bytes();
    assertThat(raw.length).isGreaterThan(30 * 1000 * 1000);

    Message sent = server.gmail(ada).users().messages().send("me", new Message().setRaw(
        Base64.getUrlEncoder().encodeToString(raw))).execute();

    assertThat(server.sandbox.raw(ada, sent.getId())).isEqualTo(raw);
    assertThat(server.sandbox.count(grace, "INBOX")).isEqualTo(1);
  }

  @Test
  void mediaUploadSendWorksResumableAndMultipart() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    Gmail gmail = server.gmail(ada);
    byte[] big = new byte[12 * 1024 * 1024];
    new Random(3).nextBytes(big);
    byte[] resumableRaw = mail().from(ada).to("x@example.net").subject("Resumable").attach("a.bin", big).bytes();
    byte[] multipartRaw = mail().from(ada).to("x@example.net").subject("Multipart").text("small").bytes();

    Message resumable = gmail.users().messages()
        .send("me", new Message(), new ByteArrayContent("message/rfc822", resumableRaw)).execute();
    Gmail.Users.Messages.Send direct = gmail.users().messages()
        .send("me", new Message(), new ByteArrayContent("message/rfc822", multipartRaw));
    direct.getMediaHttpUploader().setDirectUploadEnabled(true);
    Message multipart = direct.execute();

    assertThat(server.sandbox.raw(ada, resumable.getId())).isEqualTo(resumableRaw);
    assertThat(server.sandbox.raw(ada, multipart.getId())).isEqualTo(multipartRaw);
    assertThat(server.sandbox.calls("PUT", "/upload/gmail/v1/users/me/messages/send")).isGreaterThanOrEqualTo(2);
    assertThat(multipart.getLabelIds()).containsExactly("SENT");
  }
}
