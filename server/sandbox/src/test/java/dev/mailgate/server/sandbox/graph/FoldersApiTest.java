package dev.mailgate.server.sandbox.graph;

import static dev.mailgate.server.testing.TestMail.mail;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** mailFolders (list with counts, get by well-known name, create, 409 on a duplicate, child folders) and categories. */
class FoldersApiTest {

  private static SandboxServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new SandboxServer();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static JsonObject named(JsonArray folders, String displayName) {
    return folders.stream().map(JsonObject.class::cast).filter(f -> f.getString("displayName").equals(displayName))
        .findFirst().orElseThrow();
  }

  @Test
  void listShowsTheWellKnownFoldersByNameWithTheirCounts() {
    String ada = SandboxServer.newAddress("ada");
    server.sandbox.deliver(ada, mail().to(ada).subject("one").bytes(), "inbox");
    server.sandbox.deliver(ada, mail().to(ada).subject("two").bytes(), "inbox");
    GraphClient graph = server.as(ada);
    String read = graph.json("/messages").getJsonArray("value").getJsonObject(0).getString("id");
    graph.patch("/messages/" + read, new JsonObject().put("isRead", true));

    JsonObject page = graph.json("/mailFolders");

    JsonArray folders = page.getJsonArray("value");
    assertThat(folders.stream().map(f -> ((JsonObject) f).getString("displayName"))).containsExactly("Archive",
        "Deleted Items", "Drafts", "Inbox", "Junk Email", "Outbox", "Sent Items");
    JsonObject inbox = named(folders, "Inbox");
    assertThat(inbox.getInteger("totalItemCount")).isEqualTo(2);
    assertThat(inbox.getInteger("unreadItemCount")).isEqualTo(1);
    assertThat(inbox.getInteger("childFolderCount")).isZero();
    assertThat(inbox.getString("id")).startsWith("AQMk");
    assertThat(inbox.getString("parentFolderId")).isEqualTo(graph.json("/mailFolders/msgfolderroot").getString("id"));
    assertThat(named(folders, "Sent Items").getInteger("totalItemCount")).isZero();
    assertThat(page.getString("@odata.context")).endsWith("/mailFolders");
  }

  @Test
  void wellKnownNamesAndIdsReachTheSameFolder() {
    String ada = SandboxServer.newAddress("ada");
    GraphClient graph = server.as(ada);

    JsonObject byName = graph.json("/mailFolders/inbox");
    JsonObject byOtherCase = graph.json("/mailFolders/Inbox");
    JsonObject byId = graph.json("/mailFolders/" + byName.getString("id"));

    assertThat(List.of(byOtherCase.getString("id"), byId.getString("id"))).containsOnly(byName.getString("id"));
    assertThat(byId.getString("displayName")).isEqualTo("Inbox");
  }

  @Test
  void topPagesTheFolderList() {
    String ada = SandboxServer.newAddress("ada");
    GraphClient graph = server.as(ada);

    JsonObject first = graph.json("/mailFolders", "$top", "3");
    JsonObject second = graph.follow(first.getString("@odata.nextLink"));
    JsonObject last = graph.follow(second.getString("@odata.nextLink"));

    assertThat(first.getJsonArray("value")).hasSize(3);
    assertThat(second.getJsonArray("value")).hasSize(3);
    assertThat(last.getJsonArray("value")).hasSize(1);
    assertThat(last.containsKey("@odata.nextLink")).isFalse();
  }

  @Test
  void createdFolderIsListedAndADuplicateNameIs409() {
    String ada = SandboxServer.newAddress("ada");
    GraphClient graph = server.as(ada);

    HttpResponse<Buffer> created = graph.post("/mailFolders", new JsonObject().put("displayName", "Receipts"));
    HttpResponse<Buffer> duplicate = graph.post("/mailFolders", new JsonObject().put("displayName", "receipts"));

    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject folder = created.bodyAsJsonObject();
    assertThat(folder.getString("displayName")).isEqualTo("Receipts");
    assertThat(folder.getInteger("totalItemCount")).isZero();
    assertThat(duplicate.statusCode()).isEqualTo(409);
    assertThat(duplicate.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("ErrorFolderExists");
    assertThat(graph.json("/mailFolders").getJsonArray("value")).hasSize(8);
    String id = server.sandbox.deliver(ada, mail().to(ada).subject("Paid").bytes(), "inbox");
    graph.post("/messages/" + id + "/move", new JsonObject().put("destinationId", folder.getString("id")));
    assertThat(graph.json("/mailFolders/" + folder.getString("id") + "/messages").getJsonArray("value")).hasSize(1);
    assertThat(server.sandbox.folderOf(ada, id)).isEqualTo("Receipts");
  }

  @Test
  void childFoldersLiveBelowTheirParent() {
    String ada = SandboxServer.newAddress("ada");
    GraphClient graph = server.as(ada);

    HttpResponse<Buffer> child = graph.post("/mailFolders/inbox/childFolders",
        new JsonObject().put("displayName", "Newsletters"));

    assertThat(child.statusCode()).isEqualTo(201);
    assertThat(child.bodyAsJsonObject().getString("parentFolderId"))
        .isEqualTo(graph.json("/mailFolders/inbox").getString("id"));
    assertThat(graph.json("/mailFolders/inbox").getInteger("childFolderCount")).isEqualTo(1);
    assertThat(graph.json("/mailFolders/inbox/childFolders").getJsonArray("value").getJsonObject(0)
        .getString("displayName")).isEqualTo("Newsletters");
    assertThat(graph.json("/mailFolders").getJsonArray("value")).hasSize(7);
  }

  @Test
  void masterCategoriesHaveOutlooksDefaults() {
    String ada = SandboxServer.newAddress("ada");

    JsonArray categories = server.as(ada).json("/outlook/masterCategories").getJsonArray("value");

    assertThat(categories.stream().map(c -> ((JsonObject) c).getString("displayName"))).contains("Red category",
        "Blue category");
    assertThat(categories.getJsonObject(0).getString("color")).startsWith("preset");
    assertThat(categories.getJsonObject(0).getString("id")).matches("[0-9a-f-]{36}");
  }
}
