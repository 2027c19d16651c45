package dev.mailgate.server.provider.imap;

import dev.mailgate.server.events.NewEvent;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.provider.imap.ImapIds.MessageRef;
import dev.mailgate.server.watch.ChangeFeed;
import dev.mailgate.server.watch.Changes;
import dev.mailgate.server.watch.KnownMessages;
import io.vertx.core.Future;
import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.UIDFolder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;

/**
 * INBOX's change feed by UID comparison, which every IMAP4rev1 server supports (CONDSTORE and
 * QRESYNC are not used: GreenMail, the server tests run against, has neither, and an untested
 * path is worse than none).
 *
 * <p>The cursor is {@link ImapFeedCursor}: INBOX's UIDVALIDITY and the UIDNEXT up to which
 * arrivals were reported. Messages with a UID at or above it are MESSAGE_ADDED, summarised as
 * SearchMessages lists them. Deletions and flag changes are found against {@link KnownMessages}:
 * its keys are the message ids the API hands out ({@link ImapIds}: folder, UIDVALIDITY, UID,
 * Message-ID), its values the labels of the message's flags (INBOX, UNREAD from {@code \Seen},
 * STARRED from {@code \Flagged}, DRAFT from {@code \Draft}). Each read fetches UID and FLAGS of
 * the known UID range: a known UID the server no longer has is MESSAGE_DELETED with its known
 * id, a known message whose labels differ is LABELS_CHANGED (its summary without a snippet).
 *
 * <p>A message moved out of INBOX (archived, trashed, filed) gets a new UID, and so a new id, in
 * its new folder: on IMAP an archive is the MESSAGE_DELETED of its INBOX id.
 *
 * <p>Bound: only the newest {@value #MAX_KNOWN} INBOX messages (highest UIDs) are known; older
 * ones are forgotten, so their deletion and flag changes are not reported (arrivals always are).
 * One read reports at most {@code maxEvents} events: deletions, then label changes (lowest UID
 * first), then arrivals; the rest is {@link Changes#more} and the cursor only passes arrivals
 * reported. A new UIDVALIDITY re-anchors at now with a fresh known set and
 * {@link Changes#historyLost}.
 */
public final class ImapChangeFeed implements ChangeFeed {

  /** The watched folder. */
  static final String FOLDER = "INBOX";
  /** How many of INBOX's newest messages are known (compared for deletions and flag changes). */
  public static final int MAX_KNOWN = 5_000;
  /** How many known entries one read loads at most (the known set may briefly exceed MAX_KNOWN). */
  private static final int KNOWN_READ = MAX_KNOWN + ChangeFeed.MAX_EVENTS * 2;

  private final ImapCalls calls;
  private final int maxEvents;
  private final int maxKnown;

  public ImapChangeFeed(ImapProvider provider) {
    this(provider, ChangeFeed.MAX_EVENTS, MAX_KNOWN);
  }

  /** A feed reporting at most {@code maxEvents} events per read and knowing {@code maxKnown} messages (tests). */
  ImapChangeFeed(ImapProvider provider, int maxEvents, int maxKnown) {
    this.calls = provider.calls();
    this.maxEvents = maxEvents;
    this.maxKnown = Math.min(maxKnown, MAX_KNOWN);
  }

  @Override
  public Future<Changes> start(MailboxCredential mailbox, KnownMessages known) {
    return known.all(KNOWN_READ).compose(old -> calls.imap(mailbox, c -> {
      IMAPFolder folder = c.open(FOLDER, Folder.READ_ONLY);
      try {
        return anchor(c, folder, old.keySet(), false);
      } finally {
        ImapConnection.closeQuietly(folder);
      }
    }));
  }

  @Override
  public Future<Changes> changes(MailboxCredential mailbox, String cursor, KnownMessages known) {
    return known.all(KNOWN_READ).compose(old -> calls.imap(mailbox, c -> {
      IMAPFolder folder = c.open(FOLDER, Folder.READ_ONLY);
      try {
        ImapFeedCursor from = ImapFeedCursor.parse(cursor).orElse(null);
        if (from == null || from.uidValidity() != folder.getUIDValidity()) {
          return anchor(c, folder, old.keySet(), true);
        }
        return diff(c, folder, from, old);
      } finally {
        ImapConnection.closeQuietly(folder);
      }
    }));
  }

  /** Now: the cursor, and the newest messages' labels in place of everything known before. */
  private Changes anchor(ImapConnection c, IMAPFolder folder, Set<String> oldKeys, boolean historyLost)
      throws MessagingException {
    long validity = folder.getUIDValidity();
    long next = uidNext(folder); // before the snapshot: later arrivals are at or above it
    int count = folder.getMessageCount();
    Map<String, List<String>> remember = new HashMap<>();
    if (count > 0) {
      Message[] newest = folder.getMessages(Math.max(1, count - maxKnown + 1), count);
      fetchState(folder, newest, true);
      for (Message message : newest) {
        if (!message.isExpunged()) {
          remember.put(ImapMessages.messageId(folder, (IMAPMessage) message), labels(c, message));
        }
      }
    }
    Set<String> forget = new HashSet<>(oldKeys);
    forget.removeAll(remember.keySet());
    String cursor = new ImapFeedCursor(validity, next).json();
    return new Changes(List.of(), cursor, historyLost, false, remember, forget);
  }

  private Changes diff(ImapConnection c, IMAPFolder folder, ImapFeedCursor from, Map<String, List<String>> old)
      throws MessagingException {
    long selectedNext = uidNext(folder); // before the arrivals are read: later ones are at or above it
    List<NewEvent> events = new ArrayList<>();
    Map<String, List<String>> remember = new HashMap<>();
    Set<String> forget = new LinkedHashSet<>();
    TreeMap<Long, String> knownByUid = new TreeMap<>();
    for (String key : old.keySet()) {
      MessageRef ref = parsedOrNull(key);
      if (ref != null && ref.folder().equals(FOLDER) && ref.uidValidity() == from.uidValidity()
          && ref.uid() < from.uidNext()) {
        knownByUid.put(ref.uid(), key);
      } else {
        forget.add(key); // from before a re-anchor, or not one of this feed's keys
      }
    }
    boolean more = false;
    if (!knownByUid.isEmpty()) {
      Message[] present = folder.getMessagesByUID(knownByUid.firstKey(), from.uidNext() - 1);
      fetchState(folder, present, false);
      Map<Long, Message> byUid = new HashMap<>();
      for (Message message : present) {
        if (message != null && !message.isExpunged()) {
          byUid.put(folder.getUID(message), message);
        }
      }
      List<Message> changed = new ArrayList<>();
      for (Map.Entry<Long, String> entry : knownByUid.entrySet()) {
        Message now = byUid.get(entry.getKey());
        if (now == null) {
          if (events.size() >= maxEvents) {
            more = true;
            continue;
          }
          events.add(NewEvent.deleted(entry.getValue(), ""));
          forget.add(entry.getValue());
        } else if (!new HashSet<>(labels(c, now)).equals(new HashSet<>(old.get(entry.getValue())))) {
          changed.add(now);
        }
      }
      int room = Math.max(0, maxEvents - events.size());
      if (changed.size() > room) {
        more = true;
        changed = changed.subList(0, room);
      }
      if (!changed.isEmpty()) {
        Message[] window = changed.toArray(new Message[0]);
        ImapMessages.prefetch(folder, window);
        for (Message message : window) {
          String key = knownByUid.get(folder.getUID(message));
          List<String> before = old.get(key);
          List<String> now = labels(c, message);
          MessageSummary summary = ImapMessages.summary(c.folders(), folder, (IMAPMessage) message, false);
          events.add(NewEvent.labelsChanged(summary, minus(now, before), minus(before, now)));
          remember.put(key, now);
        }
      }
    }
    long next = from.uidNext();
    List<Message> arrived = arrivals(folder, from.uidNext());
    int room = Math.max(0, maxEvents - events.size());
    if (arrived.size() > room) {
      more = true;
      arrived = arrived.subList(0, room);
    }
    if (!arrived.isEmpty()) {
      Message[] window = arrived.toArray(new Message[0]);
      ImapMessages.prefetch(folder, window);
      for (Message message : window) {
        MessageSummary summary = ImapMessages.summary(c.folders(), folder, (IMAPMessage) message, true);
        events.add(NewEvent.added(summary));
        remember.put(summary.messageId(), labels(c, message));
        knownByUid.put(folder.getUID(message), summary.messageId());
        next = folder.getUID(message) + 1;
      }
    }
    if (!more) {
      next = Math.max(next, selectedNext);
    }
    trim(knownByUid, forget, remember);
    return new Changes(events, new ImapFeedCursor(from.uidValidity(), next).json(), false, more, remember, forget);
  }

  /** Forgets the lowest UIDs beyond the known bound (their later changes go unreported). */
  private void trim(TreeMap<Long, String> knownByUid, Set<String> forget, Map<String, List<String>> remember) {
    knownByUid.values().removeIf(forget::contains);
    while (knownByUid.size() > maxKnown) {
      String oldest = knownByUid.pollFirstEntry().getValue();
      forget.add(oldest);
      remember.remove(oldest);
    }
  }

  /** The messages with a UID at or above {@code uidNext}, lowest first. */
  private static List<Message> arrivals(IMAPFolder folder, long uidNext) throws MessagingException {
    if (uidNext > UIDFolder.MAXUID) {
      return List.of();
    }
    List<Message> arrived = new ArrayList<>();
    for (Message message : folder.getMessagesByUID(Math.max(1, uidNext), UIDFolder.MAXUID)) {
      if (message != null && !message.isExpunged() && folder.getUID(message) >= uidNext) {
        arrived.add(message);
      }
    }
    arrived.sort((a, b) -> Long.compare(ImapConnection.uidOf(folder, a), ImapConnection.uidOf(folder, b)));
    return arrived;
  }

  /** UID and FLAGS (and ENVELOPE when ids are needed) of many messages in one FETCH. */
  private static void fetchState(IMAPFolder folder, Message[] messages, boolean withEnvelope) throws MessagingException {
    FetchProfile profile = new FetchProfile();
    profile.add(UIDFolder.FetchProfileItem.UID);
    profile.add(FetchProfile.Item.FLAGS);
    if (withEnvelope) {
      profile.add(FetchProfile.Item.ENVELOPE);
    }
    folder.fetch(messages, profile);
  }

  /** The next UID the folder will give: UIDNEXT, or else one above the last message's. */
  private static long uidNext(IMAPFolder folder) throws MessagingException {
    long next = folder.getUIDNext();
    if (next > 0) {
      return next;
    }
    int count = folder.getMessageCount();
    return count == 0 ? 1 : folder.getUID(folder.getMessage(count)) + 1;
  }

  private static List<String> labels(ImapConnection c, Message message) throws MessagingException {
    return ImapMessages.labels(c.folders(), FOLDER, message.getFlags());
  }

  private static List<String> minus(List<String> a, List<String> b) {
    List<String> left = new ArrayList<>(a);
    left.removeAll(b);
    return left;
  }

  private static MessageRef parsedOrNull(String key) {
    try {
      return ImapIds.parseMessage(key);
    } catch (RuntimeException notOurs) {
      return null;
    }
  }
}
