package dev.mailgate.server.provider.outlook;

import static dev.mailgate.server.provider.outlook.GraphSandboxFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.server.events.EventType;
import dev.mailgate.server.events.NewEvent;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.ProviderUnauthorizedException;
import dev.mailgate.server.provider.outlook.GraphClient.Call;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.watch.InMemoryKnownMessages;
import dev.mailgate.server.watch.ChangeFeed;
import dev.mailgate.server.watch.Changes;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Outlook change feed against the Graph sandbox: it starts at now, then reports arrivals,
 * read/unread, flags and categories, moves between folders as one label change, trash, deletion,
 * in bounded calls, and a lost sync state as lost history.
 */
class GraphChangeFeedTest {

  private static GraphSandboxFixture graph;
  private static ChangeFeed feed;

  private MailboxCredential mailbox;
  private InMemoryKnownMessages known;
  private String cursor;

  @BeforeAll
  static void start() throws Exception {
    graph = new GraphSandboxFixture();
    feed = new GraphChangeFeed(graph.provider);
  }

  @AfterAll
  static void stop() throws Exception {
    graph.close();
  }

  @BeforeEach
  void watch() {
    mailbox = graph.newMailbox("ada");
    known = new InMemoryKnownMessages();
    deliver("before the watch");
    cursor = known.apply(await(feed.start(mailbox, known))).cursor();
  }

  private String deliver(String subject) {
    return graph.sandbox.deliver(mailbox.emailAddress(),
        Mailboxes.mail("grace@example.org", mailbox.emailAddress(), subject, "text of " + subject, "", null), "inbox");
  }

  private Changes read() {
    Changes changes = known.apply(await(feed.changes(mailbox, cursor, known)));
    cursor = changes.cursor();
    return changes;
  }

  private void call(HttpMethod method, String path, JsonObject body) {
    graph.graph(mailbox, new Call(method, path, Map.of(), Map.of(), body));
  }

  private static NewEvent only(Changes changes) {
    assertThat(changes.events()).hasSize(1);
    return changes.events().get(0);
  }

  @Test
  void startsAtNowThenReportsAnArrivalAsSearchListsIt() {
    assertThat(read().events()).isEmpty();

    String id = deliver("hello");
    Changes changes = read();

    NewEvent added = only(changes);
    assertThat(added.type()).isEqualTo(EventType.MESSAGE_ADDED);
    assertThat(added.message().orElseThrow().messageId()).isEqualTo(id);
    assertThat(added.message().orElseThrow().subject()).isEqualTo("hello");
    assertThat(added.message().orElseThrow().labelIds()).containsExactlyInAnyOrder("INBOX", "UNREAD");
    assertThat(changes.historyLost()).isFalse();
    assertThat(changes.more()).isFalse();
    assertThat(changes.remember()).containsEntry(id, added.message().orElseThrow().labelIds());
    assertThat(read().events()).isEmpty();
    assertThat(changes.cursor().length()).isLessThan(4096);
  }

  @Test
  void readFlagAndCategoryAreLabelChanges() {
    String id = deliver("mark me");
    read();

    call(HttpMethod.PATCH, GraphPaths.message(id), new JsonObject().put("isRead", true));
    NewEvent read = only(read());
    assertThat(read.type()).isEqualTo(EventType.LABELS_CHANGED);
    assertThat(read.labels().orElseThrow().added()).isEmpty();
    assertThat(read.labels().orElseThrow().removed()).containsExactly("UNREAD");

    call(HttpMethod.PATCH, GraphPaths.message(id), new JsonObject()
        .put("flag", new JsonObject().put("flagStatus", "flagged")).put("categories", new JsonArray().add("Red category")));
    NewEvent flagged = only(read());
    assertThat(flagged.labels().orElseThrow().added()).containsExactlyInAnyOrder("STARRED", "category:Red category");
    assertThat(flagged.labels().orElseThrow().removed()).isEmpty();

    call(HttpMethod.PATCH, GraphPaths.message(id), new JsonObject().put("isRead", false));
    assertThat(only(read()).labels().orElseThrow().added()).containsExactly("UNREAD");
  }

  @Test
  void archivingIsOneLabelChangeFromInboxToArchive() {
    String id = deliver("archive me");
    read();

    call(HttpMethod.POST, GraphPaths.message(id) + "/move", new JsonObject().put("destinationId", "archive"));
    NewEvent moved = only(read());

    assertThat(moved.type()).isEqualTo(EventType.LABELS_CHANGED);
    assertThat(moved.message().orElseThrow().messageId()).isEqualTo(id);
    assertThat(moved.labels().orElseThrow().added()).containsExactly("ARCHIVE");
    assertThat(moved.labels().orElseThrow().removed()).containsExactly("INBOX");
    assertThat(known.snapshot().get(id)).containsExactlyInAnyOrder("ARCHIVE", "UNREAD");
  }

  @Test
  void trashIsALabelChangeAndDeletionIsMessageDeleted() {
    String id = deliver("trash me");
    read();

    call(HttpMethod.POST, GraphPaths.message(id) + "/move", new JsonObject().put("destinationId", "deleteditems"));
    NewEvent trashed = only(read());
    assertThat(trashed.type()).isEqualTo(EventType.LABELS_CHANGED);
    assertThat(trashed.labels().orElseThrow().added()).containsExactly("TRASH");
    assertThat(trashed.labels().orElseThrow().removed()).containsExactly("INBOX");

    call(HttpMethod.DELETE, GraphPaths.message(id), null);
    Changes deleted = read();
    assertThat(only(deleted).type()).isEqualTo(EventType.MESSAGE_DELETED);
    assertThat(only(deleted).message().orElseThrow().messageId()).isEqualTo(id);
    assertThat(deleted.forget()).containsExactly(id);
    assertThat(known.snapshot()).doesNotContainKey(id);
  }

  @Test
  void aMoveToAFolderThatIsNotWatchedIsALabelChangeToThatFolder() {
    String id = deliver("file me");
    read();
    String folder = graph.graph(mailbox, new Call(HttpMethod.POST, "/v1.0/me/mailFolders", Map.of(), Map.of(),
        new JsonObject().put("displayName", "Projects"))).getString("id");

    call(HttpMethod.POST, GraphPaths.message(id) + "/move", new JsonObject().put("destinationId", folder));
    NewEvent moved = only(read());

    assertThat(moved.type()).isEqualTo(EventType.LABELS_CHANGED);
    assertThat(moved.labels().orElseThrow().added()).containsExactly(folder);
    assertThat(moved.labels().orElseThrow().removed()).containsExactly("INBOX");
  }

  @Test
  void manyChangesComeInBoundedCallsWithMore() {
    ChangeFeed small = new GraphChangeFeed(graph.provider, Clock.systemUTC(), 2, 2);
    cursor = await(small.start(mailbox, known)).cursor();
    Set<String> delivered = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      delivered.add(deliver("bulk " + i));
    }

    List<String> reported = new ArrayList<>();
    List<Boolean> more = new ArrayList<>();
    for (int call = 0; call < 5; call++) {
      Changes changes = known.apply(await(small.changes(mailbox, cursor, known)));
      cursor = changes.cursor();
      changes.events().forEach(e -> reported.add(e.message().orElseThrow().messageId()));
      more.add(changes.more());
      assertThat(changes.events().size()).isLessThanOrEqualTo(2);
      if (!changes.more()) {
        break;
      }
    }
    assertThat(reported).containsExactlyInAnyOrderElementsOf(delivered);
    assertThat(more).startsWith(true).endsWith(false);
  }

  @Test
  void aLostSyncStateReportsTheMailReceivedSinceTheLastReadWithHistoryLost() throws Exception {
    String seen = deliver("seen");
    Thread.sleep(1_100); // the recovery reads from the last read's second on: the mail before it is older
    read();
    String meanwhile = deliver("meanwhile");
    graph.sandbox.expireDeltaTokens();

    Changes lost = read();
    assertThat(lost.historyLost()).isTrue();
    assertThat(only(lost).type()).isEqualTo(EventType.MESSAGE_ADDED);
    assertThat(only(lost).message().orElseThrow().messageId()).isEqualTo(meanwhile).isNotEqualTo(seen);

    String id = deliver("after");
    Changes after = read();
    assertThat(after.historyLost()).isFalse();
    assertThat(only(after).message().orElseThrow().messageId()).isEqualTo(id);
  }

  @Test
  void aLostSyncStateOfACursorWithoutItsReadTimeStartsAgainAtNow() {
    JsonObject old = new JsonObject(cursor);
    old.remove("at");
    cursor = old.encode();
    deliver("lost");
    graph.sandbox.expireDeltaTokens();

    Changes lost = read();
    assertThat(lost.historyLost()).isTrue();
    assertThat(lost.events()).isEmpty();
  }

  @Test
  void aCursorThatIsNotOneStartsAgainWithHistoryLost() {
    Changes changes = known.apply(await(feed.changes(mailbox, "{\"v\":99}", known)));
    assertThat(changes.historyLost()).isTrue();
    assertThat(GraphDeltaCursor.decode(changes.cursor()).orElseThrow().links()).containsKeys("inbox", "archive",
        "deleteditems");
  }

  @Test
  void aRefusedTokenIsProviderUnauthorized() {
    graph.sandbox.failNext(1, 401, "InvalidAuthenticationToken");
    assertThatThrownBy(() -> await(feed.changes(mailbox, cursor, known)))
        .isInstanceOf(ProviderUnauthorizedException.class);
  }
}
