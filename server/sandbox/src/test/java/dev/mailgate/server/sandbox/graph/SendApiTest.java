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
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** sendMail as JSON and as MIME, replies and forwards: Sent Items for the sender, Inbox for sandbox recipients. */
class SendApiTest {

  private static final byte[] PDF = "%PDF-1.4 quarterly".getBytes(StandardCharsets.US_ASCII);

  private static SandboxServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new SandboxServer();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static JsonArray recipients(String... addresses) {
    JsonArray json = new JsonArray();
    for (String address : addresses) {
      json.add(new JsonObject().put("emailAddress", new JsonObject().put("address", address)));
    }
    return json;
  }

  private static JsonObject only(GraphClient graph, String folder) {
    JsonArray value = graph.json("/mailFolders/" + folder + "/messages").getJsonArray("value");
    assertThat(value).hasSize(1);
    return value.getJsonObject(0);
  }

  private static JsonObject error(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    return response.bodyAsJsonObject().getJsonObject("error");
  }

  @Test
  void sendMailJsonWithAnAttachmentLandsInSentItemsAndInTheRecipientsInbox() {
    String ada = SandboxServer.newAddress("ada");
    String grace = SandboxServer.newAddress("grace");
    String linus = SandboxServer.newAddress("linus");
    String stranger = SandboxServer.newAddress("stranger");
    server.sandbox.createMailbox(grace);
    server.sandbox.createMailbox(linus);
    JsonObject message = new JsonObject()
        .put("subject", "Launch")
        .put("body", new JsonObject().put("contentType", "HTML").put("content", "<p>We launch at <b>dawn</b>.</p>"))
        .put("toRecipients", recipients(grace, stranger))
        .put("bccRecipients", recipients(linus))
        .put("internetMessageHeaders", new JsonArray().add(new JsonObject().put("name", "x-mailgate-key")
            .put("value", "k-1")))
        .put("attachments", new JsonArray().add(new JsonObject()
            .put("@odata.type", "#microsoft.graph.fileAttachment").put("name", "plan.pdf")
            .put("contentType", "application/pdf").put("contentBytes", Base64.getEncoder().encodeToString(PDF))));

    HttpResponse<Buffer> sent = server.as(ada).post("/sendMail", new JsonObject().put("message", message));

    assertThat(sent.statusCode()).isEqualTo(202);
    assertThat(sent.body() == null || sent.body().length() == 0).isTrue();
    JsonObject copy = only(server.as(ada), "sentitems");
    assertThat(copy.getString("subject")).isEqualTo("Launch");
    assertThat(copy.getBoolean("isRead")).isTrue();
    assertThat(copy.getBoolean("hasAttachments")).isTrue();
    assertThat(copy.getJsonObject("from").getJsonObject("emailAddress").getString("address")).isEqualTo(ada);
    assertThat(copy.getJsonArray("bccRecipients")).hasSize(1);
    JsonObject received = only(server.as(grace), "inbox");
    assertThat(received.getBoolean("isRead")).isFalse();
    assertThat(received.getString("internetMessageId")).isEqualTo(copy.getString("internetMessageId"));
    assertThat(received.getJsonObject("body").getString("content")).contains("<b>dawn</b>");
    assertThat(received.getJsonArray("bccRecipients")).isEmpty();
    JsonArray attachments = server.as(grace).json("/messages/" + received.getString("id") + "/attachments")
        .getJsonArray("value");
    assertThat(attachments.getJsonObject(0).getString("name")).isEqualTo("plan.pdf");
    assertThat(Base64.getDecoder().decode(attachments.getJsonObject(0).getString("contentBytes"))).isEqualTo(PDF);
    String mime = new String(server.sandbox.mime(grace, received.getString("id")), StandardCharsets.UTF_8);
    assertThat(mime).contains("x-mailgate-key: k-1").doesNotContain("Bcc:");
    assertThat(server.sandbox.count(linus, "inbox")).isEqualTo(1);
    assertThat(server.sandbox.count(stranger, "inbox")).isZero();
    assertThat(server.sandbox.calls("POST", "/sendMail")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void saveToSentItemsFalseKeepsNoCopy() {
    String ada = SandboxServer.newAddress("ada");
    String grace = SandboxServer.newAddress("grace");
    server.sandbox.createMailbox(grace);
    JsonObject message = new JsonObject().put("subject", "Quiet").put("toRecipients", recipients(grace));

    HttpResponse<Buffer> sent = server.as(ada).post("/sendMail", new JsonObject().put("message", message)
        .put("saveToSentItems", "false"));

    assertThat(sent.statusCode()).isEqualTo(202);
    assertThat(server.sandbox.count(ada, "sentitems")).isZero();
    assertThat(server.sandbox.count(grace, "inbox")).isEqualTo(1);
  }

  @Test
  void mimeSendMailKeepsTheMessageId() {
    String ada = SandboxServer.newAddress("ada");
    String grace = SandboxServer.newAddress("grace");
    server.sandbox.createMailbox(grace);
    byte[] rfc822 = mail().from(ada).to(grace).subject("As MIME").text("Raw body.")
        .messageId("<mailgate-123@mailgate.test>").bytes();

    HttpResponse<Buffer> sent = server.as(ada).postMime("/sendMail", rfc822);

    assertThat(sent.statusCode()).isEqualTo(202);
    assertThat(only(server.as(ada), "sentitems").getString("internetMessageId"))
        .isEqualTo("<mailgate-123@mailgate.test>");
    JsonObject received = only(server.as(grace), "inbox");
    assertThat(received.getString("internetMessageId")).isEqualTo("<mailgate-123@mailgate.test>");
    assertThat(received.getJsonObject("body").getString("content")).contains("Raw body.");
  }

  @Test
  void mimeWithoutFromOrMessageIdIsCompletedByTheSandbox() {
    String ada = SandboxServer.newAddress("ada");
    byte[] rfc822 = mail().from(null).to(ada).subject("Bare").text("x").bytes();
    String withoutId = new String(rfc822, StandardCharsets.ISO_8859_1).replaceAll("(?m)^Message-ID:.*\r\n", "");

    assertThat(server.as(ada).postMime("/sendMail", withoutId.getBytes(StandardCharsets.ISO_8859_1)).statusCode())
        .isEqualTo(202);

    JsonObject copy = only(server.as(ada), "sentitems");
    assertThat(copy.getString("internetMessageId")).endsWith(".prod.outlook.com>");
    assertThat(copy.getJsonObject("from").getJsonObject("emailAddress").getString("address")).isEqualTo(ada);
  }

  @Test
  void invalidMimeBase64IsRefused() {
    String ada = SandboxServer.newAddress("ada");

    HttpResponse<Buffer> sent = GraphClient.await(server.as(ada).request(HttpMethod.POST, "/sendMail")
        .putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer("not base64 at all!")));

    assertThat(error(sent, 400).getString("code")).isEqualTo("ErrorMimeContentInvalidBase64String");
  }

  @Test
  void replyJoinsTheConversationWithInReplyToAndReSubject() {
    String ada = SandboxServer.newAddress("ada");
    String grace = SandboxServer.newAddress("grace");
    server.sandbox.createMailbox(grace);
    String original = server.sandbox.deliver(ada, mail().from("Grace <" + grace + ">").to(ada).subject("Budget")
        .text("Can you check the budget?").messageId("<budget-1@example.org>").bytes(), "inbox");
    GraphClient graph = server.as(ada);
    String conversation = graph.json("/messages/" + original).getString("conversationId");

    HttpResponse<Buffer> replied = graph.post("/messages/" + original + "/reply",
        new JsonObject().put("comment", "Looks fine to me."));

    assertThat(replied.statusCode()).isEqualTo(202);
    JsonObject sent = only(graph, "sentitems");
    assertThat(sent.getString("subject")).isEqualTo("RE: Budget");
    assertThat(sent.getString("conversationId")).isEqualTo(conversation);
    assertThat(sent.getJsonArray("toRecipients").getJsonObject(0).getJsonObject("emailAddress").getString("address"))
        .isEqualTo(grace);
    String mime = new String(server.sandbox.mime(ada, sent.getString("id")), StandardCharsets.UTF_8);
    assertThat(mime).contains("In-Reply-To: <budget-1@example.org>").contains("References: <budget-1@example.org>");
    assertThat(graph.json("/messages", "$filter", "conversationId eq '" + conversation + "'").getJsonArray("value"))
        .hasSize(2);
    JsonObject atGrace = only(server.as(grace), "inbox");
    assertThat(atGrace.getJsonObject("body").getString("content")).contains("Looks fine to me.")
        .contains("Can you check the budget?");
  }

  @Test
  void replyAllCopiesTheOtherRecipientsButNotTheSender() {
    String ada = SandboxServer.newAddress("ada");
    String original = server.sandbox.deliver(ada, mail().from("grace@example.org").to(ada + ", linus@example.org")
        .cc("bob@example.org").subject("Plan").bytes(), "inbox");

    assertThat(server.as(ada).post("/messages/" + original + "/replyAll", new JsonObject().put("comment", "+1"))
        .statusCode()).isEqualTo(202);

    JsonObject sent = only(server.as(ada), "sentitems");
    assertThat(sent.getJsonArray("ccRecipients").stream()
        .map(r -> ((JsonObject) r).getJsonObject("emailAddress").getString("address")))
        .containsExactly("linus@example.org", "bob@example.org");
  }

  @Test
  void forwardNeedsRecipientsAndCarriesTheAttachments() {
    String ada = SandboxServer.newAddress("ada");
    String original = server.sandbox.deliver(ada, mail().to(ada).subject("Deck").attach("deck.pdf", PDF).bytes(),
        "inbox");
    GraphClient graph = server.as(ada);

    JsonObject missing = error(graph.post("/messages/" + original + "/forward", new JsonObject().put("comment", "FYI")),
        400);
    HttpResponse<Buffer> forwarded = graph.post("/messages/" + original + "/forward", new JsonObject()
        .put("comment", "FYI").put("toRecipients", recipients("bob@example.org")));

    assertThat(missing.getString("code")).isEqualTo("ErrorInvalidRecipients");
    assertThat(forwarded.statusCode()).isEqualTo(202);
    JsonObject sent = only(graph, "sentitems");
    assertThat(sent.getString("subject")).isEqualTo("FW: Deck");
    assertThat(sent.getBoolean("hasAttachments")).isTrue();
  }

  @Test
  void createReplyLeavesADraftInTheConversation() {
    String ada = SandboxServer.newAddress("ada");
    String original = server.sandbox.deliver(ada, mail().from(GRACE).to(ada).subject("Question").messageId("<q-1@example.org>")
        .bytes(), "inbox");
    GraphClient graph = server.as(ada);

    HttpResponse<Buffer> created = graph.post("/messages/" + original + "/createReply", new JsonObject());

    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject draft = created.bodyAsJsonObject();
    assertThat(draft.getBoolean("isDraft")).isTrue();
    assertThat(draft.getString("subject")).isEqualTo("RE: Question");
    assertThat(draft.getString("conversationId")).isEqualTo(graph.json("/messages/" + original)
        .getString("conversationId"));
    assertThat(only(graph, "drafts").getString("id")).isEqualTo(draft.getString("id"));
    assertThat(graph.post("/messages/" + draft.getString("id") + "/send", new JsonObject()).statusCode())
        .isEqualTo(202);
    assertThat(new String(server.sandbox.mime(ada, only(graph, "sentitems").getString("id")), StandardCharsets.UTF_8))
        .contains("In-Reply-To: <q-1@example.org>");
  }

  @Test
  void sendingWithoutRecipientsOrWithAStandardHeaderIsRefused() {
    String ada = SandboxServer.newAddress("ada");
    GraphClient graph = server.as(ada);

    JsonObject noRecipients = error(graph.post("/sendMail", new JsonObject().put("message",
        new JsonObject().put("subject", "Nobody"))), 400);
    JsonObject badHeader = error(graph.post("/sendMail", new JsonObject().put("message", new JsonObject()
        .put("toRecipients", recipients("bob@example.org"))
        .put("internetMessageHeaders", new JsonArray().add(new JsonObject().put("name", "Reply-To")
            .put("value", "x@example.org"))))), 400);
    JsonObject unknownProperty = error(graph.post("/sendMail", new JsonObject().put("message", new JsonObject()
        .put("toRecipients", recipients("bob@example.org")).put("colour", "blue"))), 400);
    JsonObject badAddress = error(graph.post("/sendMail", new JsonObject().put("message", new JsonObject()
        .put("toRecipients", recipients("not an address")))), 400);

    assertThat(noRecipients.getString("code")).isEqualTo("ErrorInvalidRecipients");
    assertThat(badHeader.getString("code")).isEqualTo("InvalidInternetMessageHeader");
    assertThat(unknownProperty.getString("code")).isEqualTo("RequestBodyRead");
    assertThat(badAddress.getString("code")).isEqualTo("ErrorInvalidRecipients");
    assertThat(server.sandbox.count(ada, "sentitems")).isZero();
  }

  @Test
  void sendingAsSomeoneElseIsDenied() {
    String ada = SandboxServer.newAddress("ada");

    JsonObject denied = error(server.as(ada).post("/sendMail", new JsonObject().put("message", new JsonObject()
        .put("from", new JsonObject().put("emailAddress", new JsonObject().put("address", "ceo@example.org")))
        .put("toRecipients", recipients("bob@example.org")))), 403);
    JsonObject deniedMime = error(server.as(ada).postMime("/sendMail", mail().from("ceo@example.org")
        .to("bob@example.org").subject("x").bytes()), 403);

    assertThat(denied.getString("code")).isEqualTo("ErrorSendAsDenied");
    assertThat(deniedMime.getString("code")).isEqualTo("ErrorSendAsDenied");
  }
}
