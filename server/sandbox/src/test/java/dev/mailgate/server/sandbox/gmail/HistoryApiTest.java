package dev.mailgate.server.sandbox.gmail;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.History;
import com.google.api.services.gmail.model.ListHistoryResponse;
import com.google.api.services.gmail.model.ModifyMessageRequest;
import dev.mailgate.server.testing.TestMail;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** users.history.list: records after a start id, types, paging, and 404 for history no longer kept. */
class HistoryApiTest {

  private SandboxServer server;
  private String ada;
  private Gmail gmail;

  @BeforeEach
  void start() throws Exception {
    server = new SandboxServer();
    ada = SandboxServer.newAddress("ada");
    gmail = server.gmail(ada);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private BigInteger now() throws Exception {
    return gmail.users().getProfile("me").execute().getHistoryId();
  }

  private String deliver(String subject) {
    return server.sandbox.deliver(ada, TestMail.mail().subject(subject).bytes(), List.of("INBOX", "UNREAD"));
  }

  @Test
  void addedLabelChangesAndDeletedAreListedInOrderWithGrowingIds() throws Exception {
    BigInteger start = now();
    String id = deliver("hello");
    gmail.users().messages().modify("me", id, new ModifyMessageRequest().setRemoveLabelIds(List.of("UNREAD"))).execute();
    gmail.users().messages().delete("me", id).execute();

    ListHistoryResponse response = gmail.users().history().list("me").setStartHistoryId(start).execute();

    List<History> history = response.getHistory();
    assertThat(history).hasSize(3);
    assertThat(history.get(0).getMessagesAdded().get(0).getMessage().getId()).isEqualTo(id);
    assertThat(history.get(0).getMessagesAdded().get(0).getMessage().getLabelIds()).containsExactly("INBOX", "UNREAD");
    assertThat(history.get(1).getLabelsRemoved().get(0).getLabelIds()).containsExactly("UNREAD");
    assertThat(history.get(1).getLabelsRemoved().get(0).getMessage().getLabelIds()).containsExactly("INBOX");
    assertThat(history.get(2).getMessagesDeleted().get(0).getMessage().getId()).isEqualTo(id);
    assertThat(history.get(0).getId()).isGreaterThan(start);
    assertThat(history.get(1).getId()).isGreaterThan(history.get(0).getId());
    assertThat(history.get(2).getId()).isGreaterThan(history.get(1).getId());
    assertThat(response.getHistoryId()).isEqualTo(now()).isEqualTo(history.get(2).getId());
    assertThat(response.getNextPageToken()).isNull();
  }

  @Test
  void historyTypesAndLabelIdFilterTheRecords() throws Exception {
    BigInteger start = now();
    String id = deliver("one");
    gmail.users().messages().modify("me", id, new ModifyMessageRequest().setAddLabelIds(List.of("STARRED"))).execute();

    ListHistoryResponse added = gmail.users().history().list("me").setStartHistoryId(start)
        .setHistoryTypes(List.of("labelAdded")).execute();
    ListHistoryResponse starred = gmail.users().history().list("me").setStartHistoryId(start).setLabelId("STARRED")
        .setHistoryTypes(List.of("messageAdded")).execute();

    assertThat(added.getHistory()).hasSize(1);
    assertThat(added.getHistory().get(0).getLabelsAdded().get(0).getLabelIds()).containsExactly("STARRED");
    assertThat(starred.getHistory()).isNull();
  }

  @Test
  void maxResultsPagesThroughTheRecordsWithPageTokens() throws Exception {
    BigInteger start = now();
    for (int i = 0; i < 5; i++) {
      deliver("m" + i);
    }
    List<BigInteger> ids = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      ListHistoryResponse page = gmail.users().history().list("me").setStartHistoryId(start).setMaxResults(2L)
          .setPageToken(token).execute();
      page.getHistory().forEach(h -> ids.add(h.getId()));
      assertThat(page.getHistoryId()).isEqualTo(now());
      token = page.getNextPageToken();
      pages++;
    } while (token != null);

    assertThat(pages).isEqualTo(3);
    assertThat(ids).hasSize(5).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aStartBeforeTheKeptHistoryIs404NotFoundAndNowStillWorks() throws Exception {
    BigInteger start = now();
    deliver("before");
    server.sandbox.expireHistory(ada);

    GoogleJsonResponseException e = Assertions.catchThrowableOfType(GoogleJsonResponseException.class,
        () -> gmail.users().history().list("me").setStartHistoryId(start).execute());

    assertThat(e.getStatusCode()).isEqualTo(404);
    assertThat(e.getDetails().getErrors().get(0).getReason()).isEqualTo("notFound");
    assertThat(e.getDetails().get("status")).isEqualTo("NOT_FOUND");
    ListHistoryResponse fromNow = gmail.users().history().list("me").setStartHistoryId(now()).execute();
    assertThat(fromNow.getHistory()).isNull();
    deliver("after");
    assertThat(gmail.users().history().list("me").setStartHistoryId(fromNow.getHistoryId()).execute().getHistory())
        .hasSize(1);
  }

  @Test
  void aStartAfterTheCurrentIdIs404() throws Exception {
    GoogleJsonResponseException e = Assertions.catchThrowableOfType(GoogleJsonResponseException.class,
        () -> gmail.users().history().list("me").setStartHistoryId(now().add(BigInteger.valueOf(1000))).execute());

    assertThat(e.getStatusCode()).isEqualTo(404);
  }

  @Test
  void aMissingOrNonNumericStartIs400InvalidArgument() throws Exception {
    GoogleJsonResponseException missing = Assertions.catchThrowableOfType(GoogleJsonResponseException.class,
        () -> gmail.users().history().list("me").execute());
    HttpResponse<String> notANumber = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(server.rootUrl() + "gmail/v1/users/me/history?startHistoryId=abc"))
        .header("Authorization", "Bearer " + SandboxServer.token(ada, Instant.now().plusSeconds(60))).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(missing.getStatusCode()).isEqualTo(400);
    assertThat(notANumber.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(notANumber.body()).getJsonObject("error").getJsonArray("errors").getJsonObject(0)
        .getString("reason")).isEqualTo("invalidArgument");
  }
}
