package dev.mailgate.server.sandbox.graph;

import static dev.mailgate.server.testing.TestMail.GRACE;
import static dev.mailgate.server.testing.TestMail.mail;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Message delta per folder: a first round in pages to a deltaLink, then only what changed (with
 * current properties) and what left the folder ({@code @removed}), a filter on receivedDateTime,
 * and 410 syncStateNotFound for a token the sandbox no longer keeps.
 */
class DeltaApiTest {

  private static final String IMMUTABLE = "IdType=\"ImmutableId\"";
  private static SandboxServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new SandboxServer();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static String deliver(String mailbox, String subject, Instant date) {
    return server.sandbox.deliver(mailbox, mail().from(GRACE).to(mailbox).subject(subject).text("x").date(date).bytes(),
        "inbox");
  }

  private static HttpResponse<Buffer> get(String address, String urlOrPath, String prefer, String... query) {
    GraphClient graph = server.as(address);
    if (urlOrPath.startsWith("http")) {
      return GraphClient.await(graph.absolute(urlOrPath).putHeader("Prefer", prefer).send());
    }
    return GraphClient.await(graph.request(HttpMethod.GET, urlOrPath, query).putHeader("Prefer", prefer).send());
  }

  /** Follows pages to the deltaLink; returns every entry seen and the deltaLink. */
  private static Round round(String address, String first, String... query) {
    List<JsonObject> entries = new ArrayList<>();
    int pages = 0;
    HttpResponse<Buffer> response = get(address, first, IMMUTABLE + ", odata.maxpagesize=2", query);
    while (true) {
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      pages++;
      JsonObject page = response.bodyAsJsonObject();
      page.getJsonArray("value").forEach(v -> entries.add((JsonObject) v));
      assertThat(page.containsKey("@odata.nextLink") && page.containsKey("@odata.deltaLink")).isFalse();
      if (page.containsKey("@odata.deltaLink")) {
        return new Round(entries, page.getString("@odata.deltaLink"), pages);
      }
      response = get(address, page.getString("@odata.nextLink"), IMMUTABLE + ", odata.maxpagesize=2");
    }
  }

  record Round(List<JsonObject> entries, String deltaLink, int pages) {
    List<String> ids() {
      return entries.stream().map(e -> e.getString("id")).toList();
    }

    List<String> removed() {
      return entries.stream().filter(e -> e.containsKey("@removed")).map(e -> e.getString("id")).toList();
    }
  }

  @Test
  void firstRoundListsTheFolderInPagesThenOnlyChangesAndRemovals() {
    String ada = SandboxServer.newAddress("ada");
    Instant now = Instant.now();
    String a = deliver(ada, "a", now.minusSeconds(30));
    String b = deliver(ada, "b", now.minusSeconds(20));
    String c = deliver(ada, "c", now.minusSeconds(10));
    GraphClient graph = server.as(ada);

    Round first = round(ada, "/mailFolders/inbox/messages/delta", "$select", "id,isRead,parentFolderId,flag,categories");
    assertThat(first.ids()).containsExactlyInAnyOrder(a, b, c);
    assertThat(first.pages()).isEqualTo(2);
    assertThat(first.removed()).isEmpty();
    assertThat(first.entries().get(0).fieldNames()).doesNotContain("subject");

    Round nothing = round(ada, first.deltaLink());
    assertThat(nothing.entries()).isEmpty();

    assertThat(graph.patch("/messages/" + a, new JsonObject().put("isRead", true)).statusCode()).isEqualTo(200);
    String archive = graph.json("/mailFolders/archive").getString("id");
    assertThat(graph.post("/messages/" + b + "/move", new JsonObject().put("destinationId", "archive")).statusCode())
        .isEqualTo(201);
    assertThat(graph.delete("/messages/" + c).statusCode()).isEqualTo(204);
    String d = deliver(ada, "d", Instant.now());

    Round changes = round(ada, nothing.deltaLink());
    assertThat(changes.ids()).containsExactlyInAnyOrder(a, b, c, d);
    assertThat(changes.removed()).containsExactlyInAnyOrder(b, c);
    JsonObject read = changes.entries().stream().filter(e -> e.getString("id").equals(a)).findFirst().orElseThrow();
    assertThat(read.getBoolean("isRead")).isTrue();
    assertThat(read.fieldNames()).contains("flag", "categories", "parentFolderId");
    JsonObject removed = changes.entries().stream().filter(e -> e.getString("id").equals(c)).findFirst().orElseThrow();
    assertThat(removed.getJsonObject("@removed").getString("reason")).isEqualTo("deleted");

    Round archived = round(ada, "/mailFolders/archive/messages/delta");
    assertThat(archived.ids()).containsExactly(b);
    assertThat(archived.entries().get(0).getString("parentFolderId")).isEqualTo(archive);
  }

  @Test
  void aFilterOnReceivedDateTimeLeavesOlderMailOutOfTheRoundAndItsChanges() {
    String ada = SandboxServer.newAddress("ada");
    Instant now = Instant.now();
    String old = deliver(ada, "old", now.minusSeconds(3600));
    String recent = deliver(ada, "recent", now.minusSeconds(5));

    Round first = round(ada, "/mailFolders/inbox/messages/delta", "$filter",
        "receivedDateTime ge " + now.minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    assertThat(first.ids()).containsExactly(recent);
    server.as(ada).patch("/messages/" + old, new JsonObject().put("isRead", true));
    String fresh = deliver(ada, "fresh", Instant.now());

    assertThat(round(ada, first.deltaLink()).ids()).containsExactly(fresh);
  }

  @Test
  void aDeltaLinkCanBeFollowedAgainUntilItExpiresThenItIsGone() {
    String ada = SandboxServer.newAddress("ada");
    deliver(ada, "a", Instant.now());
    Round first = round(ada, "/mailFolders/inbox/messages/delta");
    String b = deliver(ada, "b", Instant.now());

    assertThat(round(ada, first.deltaLink()).ids()).containsExactly(b);
    assertThat(round(ada, first.deltaLink()).ids()).containsExactly(b);

    server.sandbox.expireDeltaTokens();
    HttpResponse<Buffer> gone = get(ada, first.deltaLink(), IMMUTABLE);
    assertThat(gone.statusCode()).isEqualTo(410);
    assertThat(gone.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("syncStateNotFound");
  }

  @Test
  void retentionExpiresDeltaLinks() throws Exception {
    String ada = SandboxServer.newAddress("ada");
    Round first = round(ada, "/mailFolders/inbox/messages/delta");
    server.sandbox.deltaTokenRetention(Duration.ofMillis(200));
    try {
      Thread.sleep(400);
      assertThat(get(ada, first.deltaLink(), IMMUTABLE).statusCode()).isEqualTo(410);
    } finally {
      server.sandbox.deltaTokenRetention(Duration.ofDays(7));
    }
  }

  @Test
  void anotherMailboxCannotUseTheDeltaLinkAndABadFilterIsRefused() {
    String ada = SandboxServer.newAddress("ada");
    String linus = SandboxServer.newAddress("linus");
    Round first = round(ada, "/mailFolders/inbox/messages/delta");
    assertThat(get(linus, first.deltaLink(), IMMUTABLE).statusCode()).isEqualTo(410);
    HttpResponse<Buffer> bad = get(ada, "/mailFolders/inbox/messages/delta", IMMUTABLE, "$filter", "isRead eq false");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(get(ada, "/mailFolders/inbox/messages/delta", IMMUTABLE).headers().get("Preference-Applied"))
        .isEqualTo(IMMUTABLE);
  }

  @Test
  void aMailboxLinkSurvivesAnotherMailboxsRoundsAndAFolderKeepsOnlyItsNewestLinks() {
    String ada = SandboxServer.newAddress("ada");
    String linus = SandboxServer.newAddress("linus");
    Round adaFirst = round(ada, "/mailFolders/inbox/messages/delta");
    Round linusFirst = round(linus, "/mailFolders/inbox/messages/delta");
    Round linusRound = linusFirst;
    for (int i = 0; i < DeltaTokens.PER_FOLDER + 2; i++) {
      linusRound = round(linus, linusRound.deltaLink());
    }

    assertThat(get(ada, adaFirst.deltaLink(), IMMUTABLE).statusCode()).isEqualTo(200);
    assertThat(get(linus, linusRound.deltaLink(), IMMUTABLE).statusCode()).isEqualTo(200);
    assertThat(get(linus, linusFirst.deltaLink(), IMMUTABLE).statusCode()).isEqualTo(410);
  }
}
