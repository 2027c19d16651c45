package dev.mailgate.server.sandbox.graph;

import static dev.mailgate.server.testing.TestMail.mail;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** $filter and $search as the Outlook provider sends them, and the combinations Graph refuses. */
class QueryApiTest {

  private static SandboxServer server;
  private static String ada;
  private static GraphClient graph;
  private static String invoice;
  private static String lunch;
  private static String report;
  private static String reply;

  @BeforeAll
  static void start() throws Exception {
    server = new SandboxServer();
    ada = SandboxServer.newAddress("ada");
    graph = server.as(ada);
    invoice = server.sandbox.deliver(ada, mail().from("Billing <billing@acme.test>").to(ada).subject("Invoice 42")
        .text("Please pay by Friday.").messageId("<invoice-42@acme.test>")
        .date(Instant.parse("2025-12-20T09:00:00Z")).bytes(), "inbox");
    lunch = server.sandbox.deliver(ada, mail().from("Linus <linus@example.org>").to(ada).cc("bob@example.org")
        .subject("Lunch?").text("Pizza at noon, bring the slides.").date(Instant.parse("2026-01-05T11:00:00Z")).bytes(),
        "inbox");
    report = server.sandbox.deliver(ada, mail().from("Grace <grace@example.org>").to("team@example.org")
        .subject("Quarterly report").text("Numbers inside.")
        .attach("q4.pdf", "%PDF".getBytes(StandardCharsets.US_ASCII))
        .date(Instant.parse("2026-01-10T15:00:00Z")).bytes(), "inbox");
    reply = server.sandbox.deliver(ada, mail().from("Billing <billing@acme.test>").to(ada).subject("RE: Invoice 42")
        .text("Reminder.").header("In-Reply-To", "<invoice-42@acme.test>")
        .date(Instant.parse("2026-01-12T09:00:00Z")).bytes(), "inbox");
    assertThat(graph.patch("/messages/" + lunch, new JsonObject().put("isRead", true)
        .put("flag", new JsonObject().put("flagStatus", "flagged"))).statusCode()).isEqualTo(200);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static List<String> filter(String filter) {
    return ids(graph.json("/messages", "$filter", filter));
  }

  private static List<String> search(String search) {
    return ids(graph.json("/messages", "$search", search));
  }

  private static List<String> ids(JsonObject page) {
    List<String> ids = new ArrayList<>();
    page.getJsonArray("value").forEach(m -> ids.add(((JsonObject) m).getString("id")));
    return ids;
  }

  private static JsonObject error(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    return response.bodyAsJsonObject().getJsonObject("error");
  }

  @Test
  void filterOnReadStateAttachmentsAndFlag() {
    assertThat(filter("isRead eq false")).containsExactly(reply, report, invoice);
    assertThat(filter("isRead eq true")).containsExactly(lunch);
    assertThat(filter("hasAttachments eq true")).containsExactly(report);
    assertThat(filter("flag/flagStatus eq 'flagged'")).containsExactly(lunch);
  }

  @Test
  void filterOnReceivedDateTimeWithBareDateTimeLiterals() {
    assertThat(filter("receivedDateTime ge 2026-01-01T00:00:00Z")).containsExactly(reply, report, lunch);
    assertThat(filter("receivedDateTime lt 2026-01-06T00:00:00Z")).containsExactly(lunch, invoice);
    assertThat(filter("receivedDateTime ge 2026-01-01T00:00:00Z and receivedDateTime lt 2026-01-11T00:00:00Z"))
        .containsExactly(report, lunch);
  }

  @Test
  void filterOnSenderAddressIgnoresCaseAndCombinesWithAnd() {
    assertThat(filter("from/emailAddress/address eq 'BILLING@acme.test'")).containsExactly(reply, invoice);
    assertThat(filter("from/emailAddress/address eq 'billing@acme.test' and isRead eq false "
        + "and receivedDateTime ge 2026-01-01T00:00:00Z")).containsExactly(reply);
  }

  @Test
  void filterOnConversationIdReadsAThread() {
    String conversation = graph.json("/messages/" + invoice).getString("conversationId");

    assertThat(graph.json("/messages/" + reply).getString("conversationId")).isEqualTo(conversation);
    assertThat(filter("conversationId eq '" + conversation + "'")).containsExactly(reply, invoice);
    assertThat(filter("internetMessageId eq '<invoice-42@acme.test>'")).containsExactly(invoice);
  }

  @Test
  void filterTakesOrNotParenthesesFunctionsAndAny() {
    assertThat(filter("(hasAttachments eq true or isRead eq true) and not (subject eq 'Lunch?')"))
        .containsExactly(report);
    assertThat(filter("contains(subject, 'invoice')")).containsExactly(reply, invoice);
    assertThat(filter("ccRecipients/any(r:r/emailAddress/address eq 'bob@example.org')")).containsExactly(lunch);
  }

  @Test
  void filterWithOrderbyMustNameTheOrderedPropertyFirst() {
    List<String> ordered = ids(graph.json("/messages", "$filter",
        "receivedDateTime ge 2025-01-01T00:00:00Z and isRead eq false", "$orderby", "receivedDateTime desc"));
    JsonObject inefficient = error(graph.get("/messages", "$filter", "isRead eq false",
        "$orderby", "receivedDateTime desc"), 400);

    assertThat(ordered).containsExactly(reply, report, invoice);
    assertThat(inefficient.getString("code")).isEqualTo("InefficientFilter");
    assertThat(inefficient.getString("message"))
        .isEqualTo("The restriction or sort order is too complex for this operation.");
  }

  @Test
  void orderbyAscendingReversesTheDefaultOrder() {
    assertThat(ids(graph.json("/messages", "$orderby", "receivedDateTime asc"))).containsExactly(invoice, lunch, report,
        reply);
  }

  @Test
  void malformedOrMistypedFiltersAre400() {
    JsonObject syntax = error(graph.get("/messages", "$filter", "isRead eq"), 400);
    JsonObject typed = error(graph.get("/messages", "$filter", "isRead eq 'false'"), 400);
    JsonObject quotedDate = error(graph.get("/messages", "$filter", "receivedDateTime ge '2026-01-01T00:00:00Z'"), 400);
    JsonObject unknown = error(graph.get("/messages", "$filter", "mood eq 'happy'"), 400);

    assertThat(syntax.getString("code")).isEqualTo("BadRequest");
    assertThat(syntax.getString("message")).startsWith("Invalid filter clause");
    assertThat(typed.getString("message")).contains("'Edm.Boolean' and 'Edm.String'");
    assertThat(quotedDate.getString("message")).contains("'Edm.DateTimeOffset' and 'Edm.String'");
    assertThat(unknown.getString("code")).isEqualTo("RequestBroker--ParseUri");
    assertThat(syntax.getJsonObject("innerError").getString("request-id")).isNotBlank();
  }

  @Test
  void topMustBeAPositiveNumber() {
    assertThat(error(graph.get("/messages", "$top", "0"), 400).getString("code")).isEqualTo("BadRequest");
    assertThat(error(graph.get("/messages", "$top", "ten"), 400).getString("message")).contains("$top");
    assertThat(graph.json("/messages", "$top", "5000").getJsonArray("value")).hasSize(4);
  }

  @Test
  void searchMatchesFromToSubjectAndFreeWordsAllTogether() {
    assertThat(search("\"from:billing\"")).containsExactly(reply, invoice);
    assertThat(search("\"to:team@example.org\"")).containsExactly(report);
    assertThat(search("\"subject:quarterly\"")).containsExactly(report);
    assertThat(search("\"pizza slides\"")).containsExactly(lunch);
    assertThat(search("\"PIZZA\"")).containsExactly(lunch);
    assertThat(search("\"from:billing AND subject:invoice reminder\"")).containsExactly(reply);
    assertThat(search("\"q4.pdf\"")).containsExactly(report);
    assertThat(search("\"from:billing nothing-like-this\"")).isEmpty();
  }

  @Test
  void searchPagesWithASkipToken() {
    JsonObject first = graph.json("/messages", "$search", "\"from:billing\"", "$top", "1");
    JsonObject second = graph.follow(first.getString("@odata.nextLink"));

    assertThat(first.getString("@odata.nextLink")).contains("$skiptoken=").doesNotContain("$skip=");
    assertThat(ids(first)).containsExactly(reply);
    assertThat(ids(second)).containsExactly(invoice);
  }

  @Test
  void searchWithOrderbyOrFilterIsRefusedAsGraphDoes() {
    JsonObject orderby = error(graph.get("/messages", "$search", "\"pizza\"", "$orderby", "receivedDateTime desc"),
        400);
    JsonObject filtered = error(graph.get("/messages", "$search", "\"pizza\"", "$filter", "isRead eq true"), 400);

    assertThat(orderby.getString("code")).isEqualTo("SearchWithOrderBy");
    assertThat(orderby.getString("message"))
        .isEqualTo("The query parameter '$orderBy' is not supported with '$search'.");
    assertThat(filtered.getString("code")).isEqualTo("SearchWithFilter");
  }

  @Test
  void folderListsOnlyItsOwnMessages() {
    String other = SandboxServer.newAddress("other");
    String junk = server.sandbox.deliver(other, mail().to(other).subject("Win big").bytes(), "junkemail");
    server.sandbox.deliver(other, mail().to(other).subject("Hello").bytes(), "inbox");
    GraphClient client = server.as(other);

    assertThat(ids(client.json("/mailFolders/junkemail/messages"))).containsExactly(junk);
    assertThat(ids(client.json("/mailFolders/JunkEmail/messages", "$filter", "isRead eq false"))).containsExactly(junk);
    assertThat(ids(client.json("/messages"))).hasSize(2);
  }
}
