package dev.mailgate.server.sandbox.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Graph accepts a send with 202 and files it later: right after the 202 the message is in no
 * folder (a sent draft answers 404), after the filing delay it is in Sent Items, under the
 * draft's id when the draft was created with {@code Prefer: IdType="ImmutableId"}.
 */
class FilingDelayApiTest {

  private static final Duration DELAY = Duration.ofMillis(700);
  private static final String IMMUTABLE = "IdType=\"ImmutableId\"";

  private static SandboxServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new SandboxServer();
    server.sandbox.filingDelay(DELAY);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static JsonObject draft(String to) {
    return new JsonObject().put("subject", "Filed later").put("toRecipients", new JsonArray()
        .add(new JsonObject().put("emailAddress", new JsonObject().put("address", to))));
  }

  @Test
  void sentDraftWithImmutableIdIsMissingUntilFiledThenInSentItemsUnderTheSameId() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    String grace = SandboxServer.newAddress("grace");
    server.sandbox.createMailbox(grace);
    GraphClient graph = server.as(ada);
    HttpResponse<Buffer> created = GraphClient.await(graph.request(HttpMethod.POST, "/messages")
        .putHeader("Prefer", IMMUTABLE).sendJsonObject(draft(grace)));
    String id = created.bodyAsJsonObject().getString("id");

    HttpResponse<Buffer> sent = GraphClient.await(graph.request(HttpMethod.POST, "/messages/" + id + "/send")
        .putHeader("Prefer", IMMUTABLE).send());
    int rightAfter = graph.get("/messages/" + id).statusCode();
    int secondSend = GraphClient.await(graph.request(HttpMethod.POST, "/messages/" + id + "/send").send()).statusCode();
    int sentItemsRightAfter = server.sandbox.count(ada, "sentitems");
    int inboxRightAfter = server.sandbox.count(grace, "inbox");
    Thread.sleep(DELAY.toMillis() + 500);

    assertThat(created.headers().get("Preference-Applied")).isEqualTo(IMMUTABLE);
    assertThat(sent.statusCode()).isEqualTo(202);
    assertThat(rightAfter).isEqualTo(404);
    assertThat(secondSend).isEqualTo(404);
    assertThat(sentItemsRightAfter).isZero();
    assertThat(inboxRightAfter).isZero();
    JsonObject filed = graph.json("/messages/" + id);
    assertThat(filed.getBoolean("isDraft")).isFalse();
    assertThat(filed.getString("parentFolderId")).isEqualTo(graph.json("/mailFolders/sentitems").getString("id"));
    assertThat(server.sandbox.count(ada, "sentitems")).isEqualTo(1);
    assertThat(server.sandbox.count(grace, "inbox")).isEqualTo(1);
  }

  @Test
  void sentDraftWithoutImmutableIdIsFiledUnderANewId() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    GraphClient graph = server.as(ada);
    String id = graph.post("/messages", draft(SandboxServer.newAddress("linus"))).bodyAsJsonObject().getString("id");

    assertThat(graph.post("/messages/" + id + "/send", new JsonObject()).statusCode()).isEqualTo(202);
    Thread.sleep(DELAY.toMillis() + 500);

    assertThat(graph.get("/messages/" + id).statusCode()).isEqualTo(404);
    assertThat(server.sandbox.count(ada, "sentitems")).isEqualTo(1);
  }

  @Test
  void sendMailIsInSentItemsOnlyAfterTheDelay() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    GraphClient graph = server.as(ada);

    HttpResponse<Buffer> sent = graph.post("/sendMail", new JsonObject().put("message", draft(SandboxServer.newAddress("x"))));
    int rightAfter = server.sandbox.count(ada, "sentitems");
    Thread.sleep(DELAY.toMillis() + 500);

    assertThat(sent.statusCode()).isEqualTo(202);
    assertThat(rightAfter).isZero();
    assertThat(server.sandbox.count(ada, "sentitems")).isEqualTo(1);
  }
}
