package dev.mailgate.server.sandbox.gmail;

import static dev.mailgate.server.testing.TestMail.mail;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.ByteArrayContent;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.Draft;
import com.google.api.services.gmail.model.ListDraftsResponse;
import com.google.api.services.gmail.model.Message;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** users.drafts: create, get, list, update, send and delete through the real client. */
class DraftsApiTest {

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
  void createdDraftCarriesTheDraftLabelAndIsListedAndReadable() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    Gmail gmail = server.gmail(ada);

    Draft created = gmail.users().drafts().create("me", new Draft().setMessage(
        mail().to("grace@example.org").subject("Idea").text("What if we...").message())).execute();

    assertThat(created.getId()).matches("r\\d+");
    assertThat(created.getMessage().getLabelIds()).containsExactly("DRAFT");
    ListDraftsResponse list = gmail.users().drafts().list("me").execute();
    assertThat(list.getDrafts()).extracting(Draft::getId).containsExactly(created.getId());
    assertThat(list.getDrafts().get(0).getMessage().getId()).isEqualTo(created.getMessage().getId());
    assertThat(list.getResultSizeEstimate()).isEqualTo(1);
    Draft full = gmail.users().drafts().get("me", created.getId()).execute();
    assertThat(full.getMessage().getSnippet()).isEqualTo("What if we...");
    assertThat(full.getMessage().getPayload().getMimeType()).isEqualTo("text/plain");
    Draft raw = gmail.users().drafts().get("me", created.getId()).setFormat("raw").execute();
    assertThat(new String(raw.getMessage().decodeRaw(), StandardCharsets.UTF_8)).contains("Subject: Idea");
  }

  @Test
  void updateKeepsTheDraftIdAndReplacesTheMessage() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    Gmail gmail = server.gmail(ada);
    Draft created = gmail.users().drafts().create("me", new Draft().setMessage(
        mail().to("grace@example.org").subject("Idea").text("v1").message())).execute();

    Draft updated = gmail.users().drafts().update("me", created.getId(), new Draft().setId(created.getId())
        .setMessage(mail().to("grace@example.org").subject("Idea").text("v2").message())).execute();

    assertThat(updated.getId()).isEqualTo(created.getId());
    assertThat(updated.getMessage().getId()).isNotEqualTo(created.getMessage().getId());
    assertThat(gmail.users().drafts().get("me", created.getId()).execute().getMessage().getSnippet()).isEqualTo("v2");
    assertThat(server.sandbox.count(ada, "DRAFT")).isEqualTo(1);
    GoogleJsonResponseException gone = Assertions.catchThrowableOfType(GoogleJsonResponseException.class,
        () -> gmail.users().messages().get("me", created.getMessage().getId()).execute());
    assertThat(gone.getStatusCode()).isEqualTo(404);
  }

  @Test
  void sendingADraftDeliversItAndTheDraftIsGone() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    String grace = SandboxServer.newAddress("grace");
    server.sandbox.createMailbox(grace);
    Gmail gmail = server.gmail(ada);
    Draft created = gmail.users().drafts().create("me", new Draft().setMessage(
        mail().to(grace).subject("Ready").text("Sending now").message())).execute();

    Message sent = gmail.users().drafts().send("me", new Draft().setId(created.getId())).execute();

    assertThat(sent.getLabelIds()).containsExactly("SENT");
    assertThat(server.sandbox.count(ada, "DRAFT")).isZero();
    assertThat(server.sandbox.count(grace, "INBOX")).isEqualTo(1);
    assertThat(gmail.users().drafts().list("me").execute().getDrafts()).isNull();
    GoogleJsonResponseException again = Assertions.catchThrowableOfType(GoogleJsonResponseException.class,
        () -> gmail.users().drafts().send("me", new Draft().setId(created.getId())).execute());
    assertThat(again.getStatusCode()).isEqualTo(404);
  }

  @Test
  void deletedDraftIsNotFoundAfterwards() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    Gmail gmail = server.gmail(ada);
    Draft created = gmail.users().drafts().create("me", new Draft().setMessage(
        mail().to("grace@example.org").subject("Nope").text("x").message())).execute();

    gmail.users().drafts().delete("me", created.getId()).execute();

    GoogleJsonResponseException e = Assertions.catchThrowableOfType(GoogleJsonResponseException.class,
        () -> gmail.users().drafts().get("me", created.getId()).execute());
    assertThat(e.getStatusCode()).isEqualTo(404);
    assertThat(e.getDetails().getErrors().get(0).getReason()).isEqualTo("notFound");
    assertThat(server.sandbox.count(ada, "DRAFT")).isZero();
  }

  @Test
  void draftCanBeCreatedByMediaUpload() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    byte[] raw = mail().from(ada).to("grace@example.org").subject("Uploaded").text("by media").bytes();

    Draft created = server.gmail(ada).users().drafts()
        .create("me", new Draft(), new ByteArrayContent("message/rfc822", raw)).execute();

    assertThat(server.sandbox.raw(ada, created.getMessage().getId())).isEqualTo(raw);
    assertThat(server.sandbox.labelsOf(ada, created.getMessage().getId())).containsExactly("DRAFT");
  }
}
