package dev.mailgate.server.provider.imap;

import static dev.mailgate.server.provider.imap.ImapTestServer.await;
import static dev.mailgate.server.provider.imap.ImapTestServer.failure;
import static dev.mailgate.server.provider.imap.ImapTestServer.mail;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.events.EventType;
import dev.mailgate.server.events.NewEvent;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.mail.ProviderUnauthorizedException;
import dev.mailgate.server.watch.InMemoryKnownMessages;
import dev.mailgate.server.watch.ChangeFeed;
import dev.mailgate.server.watch.Changes;
import dev.mailgate.server.watch.KnownMessages;
import io.vertx.core.Future;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ImapChangeFeedTest {

  @RegisterExtension
  static final ImapTestServer server = new ImapTestServer();

  private final ImapChangeFeed feed = new ImapChangeFeed(server.provider());
  private final InMemoryKnownMessages known = new InMemoryKnownMessages();
  private String cursor;

  private void start(MailboxCredential mailbox) throws Exception {
    Changes now = known.apply(await(feed.start(mailbox, known)));
    assertThat(now.events()).isEmpty();
    assertThat(now.historyLost()).isFalse();
    cursor = now.cursor();
  }

  private Changes read(ImapChangeFeed from, MailboxCredential mailbox) throws Exception {
    Changes changes = known.apply(await(from.changes(mailbox, cursor, known)));
    cursor = changes.cursor();
    return changes;
  }

  private static List<MessageSummary> search(MailboxCredential mailbox, String query) throws Exception {
    return await(server.provider().search(mailbox, query, List.of(), 50, Optional.empty())).items();
  }

  private static String deliver(MailboxCredential mailbox, String subject) throws Exception {
    server.deliver(mailbox, mail("ada@example.org", mailbox.emailAddress(), subject, "body of " + subject, ""));
    return search(mailbox, "subject:\"" + subject + "\"").get(0).messageId();
  }

  @Test
  void startIsNowAndOnlyLaterArrivalsAreAddedAsSearchListsThem() throws Exception {
    MailboxCredential mailbox = server.newMailbox("feed");
    String before = deliver(mailbox, "before");
    start(mailbox);
    assertThat(known.snapshot()).containsOnlyKeys(before).containsEntry(before, List.of("INBOX", "UNREAD"));

    deliver(mailbox, "after");
    Changes changes = read(feed, mailbox);

    MessageSummary listed = search(mailbox, "subject:after").get(0);
    assertThat(changes.events()).singleElement().satisfies(event -> {
      assertThat(event.type()).isEqualTo(EventType.MESSAGE_ADDED);
      assertThat(event.message()).contains(listed);
    });
    assertThat(changes.more()).isFalse();
    assertThat(known.snapshot()).containsOnlyKeys(before, listed.messageId());
    String after = cursor;
    assertThat(read(feed, mailbox).events()).isEmpty();
    assertThat(cursor).isEqualTo(after);
  }

  @Test
  void anExpungedMessageIsDeletedWithTheIdTheApiHandedOut() throws Exception {
    MailboxCredential mailbox = server.newMailbox("feed");
    String gone = deliver(mailbox, "gone");
    String stays = deliver(mailbox, "stays");
    start(mailbox);

    expunge(mailbox, "gone");
    Changes changes = read(feed, mailbox);

    assertThat(changes.events()).singleElement().satisfies(event -> {
      assertThat(event.type()).isEqualTo(EventType.MESSAGE_DELETED);
      assertThat(event.message().orElseThrow().messageId()).isEqualTo(gone);
    });
    assertThat(known.snapshot()).containsOnlyKeys(stays);
    assertThat(read(feed, mailbox).events()).isEmpty();
  }

  @Test
  void readAndStarredAreLabelChangesFromSeenAndFlagged() throws Exception {
    MailboxCredential mailbox = server.newMailbox("feed");
    String id = deliver(mailbox, "flags");
    start(mailbox);

    await(server.provider().modify(mailbox, id, List.of("STARRED"), List.of("UNREAD")));
    Changes read = read(feed, mailbox);

    assertThat(read.events()).singleElement().satisfies(event -> {
      assertThat(event.type()).isEqualTo(EventType.LABELS_CHANGED);
      assertThat(event.message().orElseThrow().messageId()).isEqualTo(id);
      assertThat(event.message().orElseThrow().labelIds()).containsExactlyInAnyOrder("INBOX", "STARRED");
      assertThat(event.labels().orElseThrow().added()).containsExactly("STARRED");
      assertThat(event.labels().orElseThrow().removed()).containsExactly("UNREAD");
    });
    assertThat(read(feed, mailbox).events()).isEmpty();

    await(server.provider().modify(mailbox, id, List.of("UNREAD"), List.of()));
    assertThat(read(feed, mailbox).events()).singleElement().satisfies(event -> {
      assertThat(event.labels().orElseThrow().added()).containsExactly("UNREAD");
      assertThat(event.labels().orElseThrow().removed()).isEmpty();
    });
    assertThat(known.snapshot().get(id)).containsExactlyInAnyOrder("INBOX", "UNREAD", "STARRED");
  }

  @Test
  void aMessageArchivedOutOfInboxIsDeletedUnderItsInboxId() throws Exception {
    MailboxCredential mailbox = server.newMailbox("feed");
    String id = deliver(mailbox, "archived");
    start(mailbox);

    MessageSummary archived = await(server.provider().modify(mailbox, id, List.of(), List.of("INBOX")));
    Changes changes = read(feed, mailbox);

    assertThat(archived.messageId()).isNotEqualTo(id);
    assertThat(changes.events()).singleElement().satisfies(event -> {
      assertThat(event.type()).isEqualTo(EventType.MESSAGE_DELETED);
      assertThat(event.message().orElseThrow().messageId()).isEqualTo(id);
    });
    assertThat(known.snapshot()).isEmpty();
  }

  @Test
  void manyChangesArePagedWithMoreAndTheCursorPassesOnlyWhatWasReported() throws Exception {
    MailboxCredential mailbox = server.newMailbox("feed");
    ImapChangeFeed paged = new ImapChangeFeed(server.provider(), 2, ImapChangeFeed.MAX_KNOWN);
    String first = deliver(mailbox, "m0");
    start(mailbox);
    expunge(mailbox, "m0");
    for (int i = 1; i <= 4; i++) {
      deliver(mailbox, "m" + i);
    }

    List<NewEvent> all = new ArrayList<>();
    List<Boolean> more = new ArrayList<>();
    for (int call = 0; call < 3; call++) {
      Changes changes = read(paged, mailbox);
      assertThat(changes.events()).hasSizeLessThanOrEqualTo(2);
      all.addAll(changes.events());
      more.add(changes.more());
    }

    assertThat(more).containsExactly(true, true, false);
    assertThat(all).extracting(NewEvent::type).containsExactly(EventType.MESSAGE_DELETED, EventType.MESSAGE_ADDED,
        EventType.MESSAGE_ADDED, EventType.MESSAGE_ADDED, EventType.MESSAGE_ADDED);
    assertThat(all.get(0).message().orElseThrow().messageId()).isEqualTo(first);
    assertThat(all.subList(1, 5)).extracting(e -> e.message().orElseThrow().subject())
        .containsExactly("m1", "m2", "m3", "m4");
    assertThat(read(paged, mailbox).events()).isEmpty();
  }

  @Test
  void onlyTheNewestMessagesAreKnownAndOlderOnesLeaveUnreported() throws Exception {
    MailboxCredential mailbox = server.newMailbox("feed");
    ImapChangeFeed small = new ImapChangeFeed(server.provider(), ChangeFeed.MAX_EVENTS, 2);
    deliver(mailbox, "k1");
    String k2 = deliver(mailbox, "k2");
    String k3 = deliver(mailbox, "k3");
    Changes now = known.apply(await(small.start(mailbox, known)));
    cursor = now.cursor();
    assertThat(known.snapshot()).containsOnlyKeys(k2, k3);

    expunge(mailbox, "k1");
    String k4 = deliver(mailbox, "k4");
    Changes changes = read(small, mailbox);

    assertThat(changes.events()).extracting(NewEvent::type).containsExactly(EventType.MESSAGE_ADDED);
    assertThat(known.snapshot()).containsOnlyKeys(k3, k4);
    expunge(mailbox, "k2");
    assertThat(read(small, mailbox).events()).as("k2 is no longer known").isEmpty();
    expunge(mailbox, "k3");
    assertThat(read(small, mailbox).events()).extracting(e -> e.message().orElseThrow().messageId()).containsExactly(k3);
  }

  @Test
  void aNewUidValidityReanchorsWithHistoryLost() throws Exception {
    MailboxCredential mailbox = server.newMailbox("feed");
    String old = deliver(mailbox, "old");
    start(mailbox);

    recreateMailbox(mailbox);
    String fresh = deliver(mailbox, "fresh");
    Changes changes = read(feed, mailbox);

    assertThat(changes.historyLost()).isTrue();
    assertThat(changes.events()).isEmpty();
    assertThat(changes.forget()).contains(old);
    assertThat(known.snapshot()).containsOnlyKeys(fresh);
    deliver(mailbox, "later");
    assertThat(read(feed, mailbox).events()).extracting(e -> e.message().orElseThrow().subject())
        .containsExactly("later");
  }

  @Test
  void aRefusedPasswordIsProviderUnauthorized() throws Exception {
    MailboxCredential mailbox = server.newMailbox("feed");
    MailboxCredential wrong = new MailboxCredential(mailbox.emailAddress(), "not-the-password", mailbox.settings());

    assertThat(failure(feed.start(wrong, known))).isInstanceOf(ProviderUnauthorizedException.class);
    assertThat(failure(feed.changes(wrong, new ImapFeedCursor(1, 1).json(), known)))
        .isInstanceOf(ProviderUnauthorizedException.class);
  }

  /** Deletes the message with this subject from INBOX as another IMAP client would: \Deleted and EXPUNGE. */
  static void expunge(MailboxCredential mailbox, String subject) throws Exception {
    Properties props = new Properties();
    Store store = Session.getInstance(props).getStore("imap");
    store.connect("127.0.0.1", server.greenMail().getImap().getPort(), mailbox.emailAddress(), mailbox.credential());
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_WRITE);
      for (Message message : inbox.getMessages()) {
        if (subject.equals(message.getSubject())) {
          message.setFlag(Flags.Flag.DELETED, true);
        }
      }
      inbox.close(true);
    } finally {
      store.close();
    }
  }

  /** Drops the account and makes it again: a new INBOX with another UIDVALIDITY (GreenMail counts seconds). */
  static void recreateMailbox(MailboxCredential mailbox) throws Exception {
    var users = server.greenMail().getUserManager();
    var user = users.getUser(mailbox.emailAddress());
    long validity = server.greenMail().getManagers().getImapHostManager().getInbox(user).getUidValidity();
    users.deleteUser(user);
    Thread.sleep(1_100);
    server.greenMail().setUser(mailbox.emailAddress(), mailbox.emailAddress(), mailbox.credential());
    var again = users.getUser(mailbox.emailAddress());
    assertThat(server.greenMail().getManagers().getImapHostManager().getInbox(again).getUidValidity())
        .isNotEqualTo(validity);
  }
}
