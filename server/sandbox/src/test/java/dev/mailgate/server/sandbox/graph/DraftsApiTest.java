package dev.mailgate.server.sandbox.graph;

import static dev.mailgate.server.testing.TestMail.mail;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Drafts (create, update, attach, send, delete) and changing any message: read state, flag, categories, folder. */
class DraftsApiTest {

  private static final byte[] NOTES = "meeting notes".getBytes(StandardCharsets.UTF_8);

  private static SandboxServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new SandboxServer();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static JsonObject to(String address) {
    return new JsonObject().put("emailAddress", new JsonObject().put("address", address));
  }

  private static JsonObject created(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    return response.bodyAsJsonObject();
  }

  @Test
  void draftIsCreatedUpdatedGivenAnAttachmentAndSent() {
    String ada = SandboxServer.newAddress("ada");
    String grace = SandboxServer.newAddress("grace");
    server.sandbox.createMailbox(grace);
    GraphClient graph = server.as(ada);

    JsonObject draft = created(graph.post("/messages", new JsonObject().put("subject", "Notes")
        .put("body", new JsonObject().put("contentType", "text").put("content", "First version"))));
    String id = draft.getString("id");
    HttpResponse<Buffer> patched = graph.patch("/messages/" + id, new JsonObject()
        .put("body", new JsonObject().put("contentType", "text").put("content", "Second version"))
        .put("toRecipients", new JsonArray().add(to(grace))));
    JsonObject attachment = created(graph.post("/messages/" + id + "/attachments", new JsonObject()
        .put("@odata.type", "#microsoft.graph.fileAttachment").put("name", "notes.txt")
        .put("contentBytes", Base64.getEncoder().encodeToString(NOTES))));
    JsonObject beforeSend = graph.json("/messages/" + id);
    String mimeBeforeSend = new String(server.sandbox.mime(ada, id), StandardCharsets.UTF_8);
    HttpResponse<Buffer> sent = graph.post("/messages/" + id + "/send", new JsonObject());

    assertThat(draft.getBoolean("isDraft")).isTrue();
    assertThat(draft.getString("parentFolderId")).isEqualTo(graph.json("/mailFolders/drafts").getString("id"));
    assertThat(patched.statusCode()).isEqualTo(200);
    assertThat(patched.bodyAsJsonObject().getString("changeKey")).isNotEqualTo(draft.getString("changeKey"));
    assertThat(attachment.getString("name")).isEqualTo("notes.txt");
    assertThat(beforeSend.getBoolean("hasAttachments")).isTrue();
    assertThat(mimeBeforeSend).contains("Second version").contains("To: " + grace);
    assertThat(sent.statusCode()).isEqualTo(202);
    assertThat(graph.get("/messages/" + id).statusCode()).isEqualTo(404);
    assertThat(server.sandbox.count(ada, "drafts")).isZero();
    assertThat(server.sandbox.count(ada, "sentitems")).isEqualTo(1);
    JsonObject received = server.as(grace).json("/mailFolders/inbox/messages", "$expand", "attachments")
        .getJsonArray("value").getJsonObject(0);
    assertThat(received.getString("subject")).isEqualTo("Notes");
    assertThat(received.getString("internetMessageId")).isEqualTo(draft.getString("internetMessageId"));
    assertThat(received.getJsonArray("attachments").getJsonObject(0).getString("name")).isEqualTo("notes.txt");
  }

  @Test
  void draftCanBeDeleted() {
    String ada = SandboxServer.newAddress("ada");
    GraphClient graph = server.as(ada);
    String id = created(graph.post("/messages", new JsonObject().put("subject", "Never mind"))).getString("id");

    HttpResponse<Buffer> deleted = graph.delete("/messages/" + id);

    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(graph.get("/messages/" + id).statusCode()).isEqualTo(404);
    assertThat(server.sandbox.count(ada, "drafts")).isZero();
  }

  @Test
  void draftCanBeCreatedFromMime() {
    String ada = SandboxServer.newAddress("ada");

    JsonObject draft = created(server.as(ada).postMime("/messages", mail().from(ada).to("bob@example.org")
        .subject("From MIME").text("Drafted elsewhere.").bytes()));

    assertThat(draft.getBoolean("isDraft")).isTrue();
    assertThat(draft.getString("subject")).isEqualTo("From MIME");
    assertThat(server.sandbox.folderOf(ada, draft.getString("id"))).isEqualTo("drafts");
  }

  @Test
  void sendingAMessageThatIsNoDraftIsRefused() {
    String ada = SandboxServer.newAddress("ada");
    String id = server.sandbox.deliver(ada, mail().to(ada).subject("Received").bytes(), "inbox");

    HttpResponse<Buffer> sent = server.as(ada).post("/messages/" + id + "/send", new JsonObject());

    assertThat(sent.statusCode()).isEqualTo(400);
    assertThat(server.sandbox.folderOf(ada, id)).isEqualTo("inbox");
  }

  @Test
  void patchMarksReadFlagsAndCategorisesAReceivedMessage() {
    String ada = SandboxServer.newAddress("ada");
    String id = server.sandbox.deliver(ada, mail().to(ada).subject("Todo").bytes(), "inbox");
    GraphClient graph = server.as(ada);

    JsonObject patched = graph.patch("/messages/" + id, new JsonObject().put("isRead", true)
        .put("flag", new JsonObject().put("flagStatus", "flagged"))
        .put("categories", new JsonArray().add("Red category")))
        .bodyAsJsonObject();
    JsonObject inbox = graph.json("/mailFolders/inbox");

    assertThat(patched.getBoolean("isRead")).isTrue();
    assertThat(patched.getJsonObject("flag").getString("flagStatus")).isEqualTo("flagged");
    assertThat(patched.getJsonArray("categories")).containsExactly("Red category");
    assertThat(inbox.getInteger("unreadItemCount")).isZero();
    assertThat(inbox.getInteger("totalItemCount")).isEqualTo(1);
    assertThat(graph.json("/messages", "$filter", "categories/any(c:c eq 'red category')").getJsonArray("value"))
        .hasSize(1);
  }

  @Test
  void patchWithABadValueChangesNothing() {
    String ada = SandboxServer.newAddress("ada");
    String id = server.sandbox.deliver(ada, mail().to(ada).subject("Stable").bytes(), "inbox");
    GraphClient graph = server.as(ada);

    HttpResponse<Buffer> refused = graph.patch("/messages/" + id, new JsonObject().put("isRead", true)
        .put("flag", new JsonObject().put("flagStatus", "maybe")));

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("RequestBodyRead");
    assertThat(graph.json("/messages/" + id).getBoolean("isRead")).isFalse();
  }

  @Test
  void moveToDeletedItemsAndBackKeepsTheId() {
    String ada = SandboxServer.newAddress("ada");
    String id = server.sandbox.deliver(ada, mail().to(ada).subject("Oops").bytes(), "inbox");
    GraphClient graph = server.as(ada);
    String deletedItems = graph.json("/mailFolders/deleteditems").getString("id");

    JsonObject trashed = created(graph.post("/messages/" + id + "/move",
        new JsonObject().put("destinationId", "deleteditems")));
    int inboxWhileTrashed = server.sandbox.count(ada, "inbox");
    String inboxId = graph.json("/mailFolders/inbox").getString("id");
    JsonObject restored = created(graph.post("/messages/" + id + "/move",
        new JsonObject().put("destinationId", inboxId)));

    assertThat(trashed.getString("id")).isEqualTo(id);
    assertThat(trashed.getString("parentFolderId")).isEqualTo(deletedItems);
    assertThat(inboxWhileTrashed).isZero();
    assertThat(restored.getString("parentFolderId")).isEqualTo(inboxId);
    assertThat(server.sandbox.folderOf(ada, id)).isEqualTo("inbox");
    assertThat(server.sandbox.count(ada, "deleteditems")).isZero();
  }

  @Test
  void copyMakesASecondMessageWithItsOwnId() {
    String ada = SandboxServer.newAddress("ada");
    String id = server.sandbox.deliver(ada, mail().to(ada).subject("Keep").bytes(), "inbox");

    JsonObject copy = created(server.as(ada).post("/messages/" + id + "/copy",
        new JsonObject().put("destinationId", "archive")));

    assertThat(copy.getString("id")).isNotEqualTo(id);
    assertThat(server.sandbox.folderOf(ada, copy.getString("id"))).isEqualTo("archive");
    assertThat(server.sandbox.count(ada, "inbox")).isEqualTo(1);
  }

  @Test
  void moveToAnUnknownFolderIsNotFoundAndMovesNothing() {
    String ada = SandboxServer.newAddress("ada");
    String id = server.sandbox.deliver(ada, mail().to(ada).subject("Stay").bytes(), "inbox");

    HttpResponse<Buffer> moved = server.as(ada).post("/messages/" + id + "/move",
        new JsonObject().put("destinationId", "AQMkADAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));

    assertThat(moved.statusCode()).isEqualTo(404);
    assertThat(moved.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("ErrorItemNotFound");
    assertThat(server.sandbox.folderOf(ada, id)).isEqualTo("inbox");
  }
}
