package dev.mailgate.server.provider.gmail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.events.EventType;
import dev.mailgate.server.events.NewEvent;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.mail.ProviderUnauthorizedException;
import dev.mailgate.server.watch.Changes;
import dev.mailgate.server.watch.KnownMessages;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Gmail change feed against the Gmail sandbox: history.list to events, cursors, paging, lost history, 401. */
class GmailChangeFeedTest {

  private GmailSandboxFixture fixture;
  private GmailChangeFeed feed;
  private MailboxCredential ada;

  @BeforeEach
  void start() throws Exception {
    fixture = new GmailSandboxFixture();
    feed = new GmailChangeFeed(fixture.mail);
    ada = fixture.newMailbox("ada");
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  private String deliver(String subject) {
    String rfc822 = "From: Grace <grace@example.org>\r\nTo: " + ada.emailAddress() + "\r\nSubject: " + subject
        + "\r\nMessage-ID: <" + System.nanoTime() + "@example.org>\r\n\r\nbody of " + subject + "\r\n";
    return fixture.gmail().deliver(ada.emailAddress(), rfc822.getBytes(StandardCharsets.US_ASCII),
        List.of("INBOX", "UNREAD"));
  }

  private Changes start(GmailChangeFeed feed) throws Exception {
    return feed.start(ada, KnownMessages.NONE).await(30, TimeUnit.SECONDS);
  }

  private Changes changes(GmailChangeFeed feed, String cursor) throws Exception {
    return feed.changes(ada, cursor, KnownMessages.NONE).await(30, TimeUnit.SECONDS);
  }

  private MessageSummary summary(String messageId) throws Exception {
    return fixture.mail.metadata(ada, messageId).await(30, TimeUnit.SECONDS);
  }

  @Test
  void startIsNowAndWhatCameBeforeIsNotReported() throws Exception {
    deliver("before");
    Changes start = start(feed);

    Changes changes = changes(feed, start.cursor());

    assertThat(start.events()).isEmpty();
    assertThat(changes.events()).isEmpty();
    assertThat(changes.cursor()).isEqualTo(start.cursor());
    assertThat(changes.historyLost()).isFalse();
    assertThat(changes.more()).isFalse();
  }

  @Test
  void anArrivalIsMessageAddedWithTheSummarySearchListsAndTheCursorMovesPastIt() throws Exception {
    Changes start = start(feed);
    String id = deliver("hello");

    Changes changes = changes(feed, start.cursor());

    assertThat(changes.events()).hasSize(1);
    NewEvent added = changes.events().get(0);
    assertThat(added.type()).isEqualTo(EventType.MESSAGE_ADDED);
    assertThat(added.message()).contains(summary(id));
    assertThat(added.message().get().subject()).isEqualTo("hello");
    assertThat(added.message().get().labelIds()).containsExactlyInAnyOrder("INBOX", "UNREAD");
    assertThat(Long.parseLong(changes.cursor())).isGreaterThan(Long.parseLong(start.cursor()));
    assertThat(changes(feed, changes.cursor()).events()).isEmpty();
  }

  @Test
  void labelChangesCarryWhatWasAddedOrRemovedAndTheLabelsNow() throws Exception {
    String id = deliver("labels");
    Changes start = start(feed);
    fixture.gmail().modify(ada.emailAddress(), id, List.of("STARRED"), List.of("UNREAD"));
    fixture.gmail().trash(ada.emailAddress(), id);

    List<NewEvent> events = changes(feed, start.cursor()).events();

    assertThat(events).extracting(NewEvent::type).containsOnly(EventType.LABELS_CHANGED);
    assertThat(events).extracting(e -> e.labels().get().added() + "/" + e.labels().get().removed())
        .containsExactly("[STARRED]/[]", "[]/[UNREAD]", "[TRASH]/[]", "[]/[INBOX]");
    assertThat(events).allSatisfy(e -> {
      assertThat(e.message().get().messageId()).isEqualTo(id);
      assertThat(e.message().get().subject()).isEqualTo("labels");
      assertThat(e.message().get().labelIds()).containsExactlyInAnyOrder("STARRED", "TRASH");
    });
  }

  @Test
  void aDeletionIsMessageDeletedWithItsIds() throws Exception {
    String id = deliver("doomed");
    String threadId = summary(id).threadId();
    Changes start = start(feed);
    fixture.gmail().delete(ada.emailAddress(), id);

    List<NewEvent> events = changes(feed, start.cursor()).events();

    assertThat(events).hasSize(1);
    assertThat(events.get(0).type()).isEqualTo(EventType.MESSAGE_DELETED);
    assertThat(events.get(0).message().get().messageId()).isEqualTo(id);
    assertThat(events.get(0).message().get().threadId()).isEqualTo(threadId);
  }

  @Test
  void aMessageAddedAndGoneBeforeTheReadIsOnlyReportedDeleted() throws Exception {
    Changes start = start(feed);
    String id = deliver("brief");
    fixture.gmail().modify(ada.emailAddress(), id, List.of(), List.of("UNREAD"));
    fixture.gmail().delete(ada.emailAddress(), id);

    List<NewEvent> events = changes(feed, start.cursor()).events();

    assertThat(events).extracting(NewEvent::type).containsExactly(EventType.LABELS_CHANGED, EventType.MESSAGE_DELETED);
    assertThat(events.get(0).message().get().messageId()).isEqualTo(id);
    assertThat(events.get(0).message().get().labelIds()).containsExactly("INBOX");
  }

  @Test
  void manyChangesComeInReadsOfAtMostMaxEventsWithMoreUntilTheLastOne() throws Exception {
    GmailChangeFeed small = new GmailChangeFeed(fixture.mail, 3, 2);
    Changes start = start(small);
    List<String> delivered = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      delivered.add(deliver("m" + i));
    }

    List<String> seen = new ArrayList<>();
    List<Boolean> more = new ArrayList<>();
    String cursor = start.cursor();
    for (int read = 0; read < 5; read++) {
      Changes changes = changes(small, cursor);
      changes.events().forEach(e -> seen.add(e.message().get().messageId()));
      more.add(changes.more());
      assertThat(changes.events().size()).isLessThanOrEqualTo(3);
      cursor = changes.cursor();
      if (!changes.more()) {
        break;
      }
    }

    assertThat(seen).containsExactlyElementsOf(delivered);
    assertThat(more).containsExactly(true, true, false);
    assertThat(cursor).isEqualTo(start(small).cursor());
  }

  @Test
  void historyGmailNoLongerHasReanchorsAtNowAndSaysItWasLost() throws Exception {
    Changes start = start(feed);
    deliver("missed");
    fixture.gmail().expireHistory(ada.emailAddress());

    Changes lost = changes(feed, start.cursor());

    assertThat(lost.historyLost()).isTrue();
    assertThat(lost.events()).isEmpty();
    assertThat(lost.cursor()).isEqualTo(start(feed).cursor());
    String id = deliver("after");
    Changes after = changes(feed, lost.cursor());
    assertThat(after.historyLost()).isFalse();
    assertThat(after.events()).extracting(e -> e.message().get().messageId()).containsExactly(id);
  }

  @Test
  void aRefusedAccessTokenIsProviderUnauthorized() throws Exception {
    Changes start = start(feed);
    fixture.gmail().failNext(1, 401, "authError");

    Throwable failure = Assertions.catchThrowable(() -> changes(feed, start.cursor()));

    assertThat(failure).isInstanceOf(ProviderUnauthorizedException.class);
    fixture.gmail().failNext(1, 401, "authError");
    assertThat(Assertions.catchThrowable(() -> start(feed))).isInstanceOf(ProviderUnauthorizedException.class);
  }
}
