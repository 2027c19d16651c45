package dev.mailgate.server.sandbox.graph;

import static dev.mailgate.server.testing.TestMail.GRACE;
import static dev.mailgate.server.testing.TestMail.mail;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reading a mailbox with a WebClient: /me, list and paging, get in HTML and text, $value, $select, attachments. */
class MessagesApiTest {

  private static final byte[] PDF = "%PDF-1.4 not really a pdf \u0000\u0001\u0002"
      .getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};

  private static SandboxServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new SandboxServer();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static String deliverAt(String mailbox, String subject, String date) {
    return server.sandbox.deliver(mailbox, mail().from(GRACE).to(mailbox).subject(subject).text("About " + subject)
        .date(Instant.parse(date)).bytes(), "inbox");
  }

  private static List<String> ids(JsonObject page) {
    List<String> ids = new ArrayList<>();
    page.getJsonArray("value").forEach(m -> ids.add(((JsonObject) m).getString("id")));
    return ids;
  }

  @Test
  void meNamesTheCallersMailboxWithAStableGuid() {
    String ada = SandboxServer.newAddress("ada.lovelace");

    JsonObject me = server.as(ada).json("");
    JsonObject again = server.as(ada).json("");

    assertThat(me.getString("mail")).isEqualTo(ada);
    assertThat(me.getString("userPrincipalName")).isEqualTo(ada);
    assertThat(me.getString("displayName")).startsWith("Ada Lovelace");
    assertThat(me.getString("id")).matches("[0-9a-f-]{36}").isEqualTo(again.getString("id"));
    assertThat(me.getString("@odata.context")).endsWith("/v1.0/$metadata#users/$entity");
  }

  @Test
  void listIsNewestFirstWithGraphsDefaultProperties() {
    String ada = SandboxServer.newAddress("ada");
    String older = deliverAt(ada, "older", "2026-01-01T10:00:00Z");
    String newer = deliverAt(ada, "newer", "2026-02-01T10:00:00Z");

    JsonObject page = server.as(ada).json("/messages");

    assertThat(ids(page)).containsExactly(newer, older);
    JsonObject first = page.getJsonArray("value").getJsonObject(0);
    assertThat(first.getString("subject")).isEqualTo("newer");
    assertThat(first.getString("receivedDateTime")).isEqualTo("2026-02-01T10:00:00Z");
    assertThat(first.getBoolean("isRead")).isFalse();
    assertThat(first.getBoolean("isDraft")).isFalse();
    assertThat(first.getJsonObject("from").getJsonObject("emailAddress").getString("address"))
        .isEqualTo("grace@example.org");
    assertThat(first.getJsonObject("from").getJsonObject("emailAddress").getString("name")).isEqualTo("Grace Hopper");
    assertThat(first.getJsonArray("toRecipients").getJsonObject(0).getJsonObject("emailAddress").getString("address"))
        .isEqualTo(ada);
    assertThat(first.getJsonObject("flag").getString("flagStatus")).isEqualTo("notFlagged");
    assertThat(first.getString("conversationId")).startsWith("AAQk");
    assertThat(first.getString("internetMessageId")).startsWith("<");
    assertThat(first.getString("@odata.etag")).startsWith("W/\"");
    assertThat(first.getString("bodyPreview")).isEqualTo("About newer");
    assertThat(first.containsKey("internetMessageHeaders")).isFalse();
    assertThat(page.getString("@odata.context")).contains("/v1.0/$metadata#users('").endsWith("')/messages");
    assertThat(page.containsKey("@odata.nextLink")).isFalse();
  }

  @Test
  void topAndSkipPageWithANextLinkThatLeadsBackHere() {
    String ada = SandboxServer.newAddress("ada");
    List<String> newestFirst = new ArrayList<>();
    for (int day = 1; day <= 5; day++) {
      newestFirst.add(0, deliverAt(ada, "day " + day, "2026-03-0" + day + "T08:00:00Z"));
    }
    GraphClient graph = server.as(ada);

    JsonObject first = graph.json("/messages", "$top", "2", "$select", "subject");
    JsonObject second = graph.follow(first.getString("@odata.nextLink"));
    JsonObject third = graph.follow(second.getString("@odata.nextLink"));
    JsonObject skipped = graph.json("/mailFolders/inbox/messages", "$skip", "4");

    assertThat(first.getString("@odata.nextLink")).startsWith("http://127.0.0.1:").contains("$skip=2")
        .contains("$top=2").contains("$select=subject");
    assertThat(ids(first)).containsExactlyElementsOf(newestFirst.subList(0, 2));
    assertThat(ids(second)).containsExactlyElementsOf(newestFirst.subList(2, 4));
    assertThat(ids(third)).containsExactly(newestFirst.get(4));
    assertThat(third.containsKey("@odata.nextLink")).isFalse();
    assertThat(ids(skipped)).containsExactly(newestFirst.get(4));
    assertThat(first.getJsonArray("value").getJsonObject(0).fieldNames())
        .containsExactlyInAnyOrder("@odata.etag", "id", "subject");
    assertThat(first.getString("@odata.context")).endsWith("/messages(subject)");
  }

  @Test
  void defaultTopIsTenAndCountIsGivenOnRequest() {
    String ada = SandboxServer.newAddress("ada");
    for (int i = 10; i < 22; i++) {
      deliverAt(ada, "n" + i, "2026-04-" + i + "T08:00:00Z");
    }

    JsonObject page = server.as(ada).json("/messages", "$count", "true");

    assertThat(page.getJsonArray("value")).hasSize(10);
    assertThat(page.getInteger("@odata.count")).isEqualTo(12);
    assertThat(page.getString("@odata.nextLink")).contains("$skip=10");
  }

  @Test
  void replyWithoutReferencesJoinsByTopicButASameSubjectWithoutPrefixStartsANewConversation() {
    String ada = SandboxServer.newAddress("ada");
    String first = server.sandbox.deliver(ada, mail().to(ada).subject("Budget").bytes(), "inbox");
    String reply = server.sandbox.deliver(ada, mail().to(ada).subject("Re: budget").bytes(), "inbox");
    String fresh = server.sandbox.deliver(ada, mail().to(ada).subject("Budget").bytes(), "inbox");
    GraphClient graph = server.as(ada);

    String conversation = graph.json("/messages/" + first).getString("conversationId");

    assertThat(graph.json("/messages/" + reply).getString("conversationId")).isEqualTo(conversation);
    assertThat(graph.json("/messages/" + fresh).getString("conversationId")).isNotEqualTo(conversation);
  }

  @Test
  void getServesHtmlByDefaultAndTextWhenPreferred() {
    String ada = SandboxServer.newAddress("ada");
    String id = server.sandbox.deliver(ada, mail().to(ada).subject("Report").text("Numbers attached.")
        .html("<p>Numbers <b>attached</b>.</p>").bytes(), "inbox");
    GraphClient graph = server.as(ada);

    JsonObject html = graph.json("/messages/" + id);
    JsonObject viaFolder = graph.json("/mailFolders/inbox/messages/" + id);
    HttpResponse<Buffer> textResponse = GraphClient.await(graph.request(HttpMethod.GET, "/messages/" + id)
        .putHeader("Prefer", "outlook.body-content-type=\"text\"").send());
    JsonObject text = GraphClient.ok(textResponse).bodyAsJsonObject();

    assertThat(html.getJsonObject("body").getString("contentType")).isEqualTo("html");
    assertThat(html.getJsonObject("body").getString("content")).contains("<b>attached</b>");
    assertThat(html.getString("@odata.context")).endsWith("/messages/$entity");
    assertThat(viaFolder.getString("id")).isEqualTo(id);
    assertThat(text.getJsonObject("body").getString("contentType")).isEqualTo("text");
    assertThat(text.getJsonObject("body").getString("content")).isEqualTo("Numbers attached.");
    assertThat(textResponse.getHeader("Preference-Applied")).isEqualTo("outlook.body-content-type=\"text\"");
  }

  @Test
  void plainTextMailIsServedAsHtmlUnlessTextIsPreferred() {
    String ada = SandboxServer.newAddress("ada");
    String id = server.sandbox.deliver(ada, mail().to(ada).subject("Plain").text("a < b\nsecond line").bytes(),
        "inbox");

    JsonObject message = server.as(ada).json("/messages/" + id);

    assertThat(message.getJsonObject("body").getString("contentType")).isEqualTo("html");
    assertThat(message.getJsonObject("body").getString("content")).contains("a &lt; b<br>").contains("second line");
  }

  @Test
  void valueIsTheMimeAsReceived() {
    String ada = SandboxServer.newAddress("ada");
    byte[] rfc822 = mail().to(ada).subject("Raw").text("bytes").messageId("<raw-1@example.org>").bytes();
    String id = server.sandbox.deliver(ada, rfc822, "inbox");

    HttpResponse<Buffer> response = GraphClient.ok(server.as(ada).get("/messages/" + id + "/$value"));

    assertThat(response.getHeader("content-type")).isEqualTo("message/rfc822");
    assertThat(response.body().getBytes()).isEqualTo(rfc822);
    assertThat(server.sandbox.mime(ada, id)).isEqualTo(rfc822);
  }

  @Test
  void selectCanAskForInternetMessageHeadersAndRejectsUnknownProperties() {
    String ada = SandboxServer.newAddress("ada");
    String id = server.sandbox.deliver(ada, mail().to(ada).subject("Headers").header("X-Campaign", "spring").bytes(),
        "inbox");
    GraphClient graph = server.as(ada);

    JsonObject selected = graph.json("/messages/" + id, "$select", "subject,internetMessageHeaders");
    HttpResponse<Buffer> unknown = graph.get("/messages/" + id, "$select", "subject,shoeSize");

    JsonArray headers = selected.getJsonArray("internetMessageHeaders");
    assertThat(headers.stream().map(JsonObject.class::cast).map(h -> h.getString("name") + ": " + h.getString("value")))
        .contains("X-Campaign: spring", "Subject: Headers");
    assertThat(selected.containsKey("body")).isFalse();
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.bodyAsJsonObject().getJsonObject("error").getString("code"))
        .isEqualTo("RequestBroker--ParseUri");
  }

  @Test
  void attachmentsAreListedAndServedWithTheirBytes() {
    String ada = SandboxServer.newAddress("ada");
    String id = server.sandbox.deliver(ada, mail().to(ada).subject("Files").html("<img src=\"cid:logo@x\">")
        .inline("logo@x", PNG).attach("report.pdf", PDF).bytes(), "inbox");
    GraphClient graph = server.as(ada);

    JsonObject message = graph.json("/messages/" + id);
    JsonArray attachments = graph.json("/messages/" + id + "/attachments").getJsonArray("value");
    JsonObject pdf = attachments.stream().map(JsonObject.class::cast)
        .filter(a -> a.getString("name").equals("report.pdf")).findFirst().orElseThrow();
    JsonObject one = graph.json("/messages/" + id + "/attachments/" + pdf.getString("id"));
    HttpResponse<Buffer> raw = GraphClient.ok(graph.get("/messages/" + id + "/attachments/" + pdf.getString("id")
        + "/$value"));
    JsonObject logo = attachments.stream().map(JsonObject.class::cast)
        .filter(a -> a.getBoolean("isInline")).findFirst().orElseThrow();

    assertThat(message.getBoolean("hasAttachments")).isTrue();
    assertThat(attachments).hasSize(2);
    assertThat(pdf.getString("@odata.type")).isEqualTo("#microsoft.graph.fileAttachment");
    assertThat(pdf.getString("contentType")).isEqualTo("application/pdf");
    assertThat(pdf.getInteger("size")).isEqualTo(PDF.length);
    assertThat(pdf.getBoolean("isInline")).isFalse();
    assertThat(Base64.getDecoder().decode(one.getString("contentBytes"))).isEqualTo(PDF);
    assertThat(raw.body().getBytes()).isEqualTo(PDF);
    assertThat(logo.getString("contentId")).isEqualTo("logo@x");
    assertThat(Base64.getDecoder().decode(logo.getString("contentBytes"))).isEqualTo(PNG);
  }

  @Test
  void onlyInlineImagesDoNotCountAsAttachmentsAndExpandBringsThemAlong() {
    String ada = SandboxServer.newAddress("ada");
    String id = server.sandbox.deliver(ada, mail().to(ada).subject("Logo").html("<img src=\"cid:logo@x\">")
        .inline("logo@x", PNG).bytes(), "inbox");

    JsonObject message = server.as(ada).json("/messages/" + id, "$expand", "attachments");

    assertThat(message.getBoolean("hasAttachments")).isFalse();
    assertThat(message.getJsonArray("attachments")).hasSize(1);
    assertThat(message.getJsonArray("attachments").getJsonObject(0).getBoolean("isInline")).isTrue();
  }
}
