package dev.mailgate.server.provider.gmail;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.History;
import com.google.api.services.gmail.model.ListHistoryResponse;
import com.google.api.services.gmail.model.Message;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.events.NewEvent;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.watch.ChangeFeed;
import dev.mailgate.server.watch.Changes;
import dev.mailgate.server.watch.KnownMessages;
import io.vertx.core.Future;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Gmail's change feed: {@code users.history.list} after a historyId (Gmail's "Synchronizing
 * clients" guide). The cursor is the historyId up to which changes were reported: the last
 * record read when more remain, else the mailbox's historyId the last page names. Added messages
 * and label changes carry the message's summary as SearchMessages lists it (one metadata read
 * each, a few at a time); a message added and gone by the time it is read is left out (its
 * deletion follows). A 404 (history no longer kept, after about a week) re-anchors at the
 * profile's historyId and says the history was lost.
 */
public final class GmailChangeFeed implements ChangeFeed {

  private static final String ME = "me";
  /** Gmail's largest history page. */
  private static final int MAX_PAGE = 500;
  /** How many metadata reads of one feed read run at once (the pool bounds them all together). */
  private static final int READS_AT_ONCE = 8;

  private final GmailProvider mail;
  private final GmailCalls calls;
  private final int maxEvents;
  private final int pageSize;

  /** The feed of the mailboxes {@code mail} reaches. */
  public GmailChangeFeed(GmailProvider mail) {
    this(mail, MAX_EVENTS, MAX_PAGE);
  }

  /** With fewer events per read and smaller history pages (tests of paging). */
  GmailChangeFeed(GmailProvider mail, int maxEvents, int pageSize) {
    this.mail = mail;
    this.calls = mail.calls();
    this.maxEvents = maxEvents;
    this.pageSize = Math.min(pageSize, MAX_PAGE);
  }

  @Override
  public Future<Changes> start(MailboxCredential mailbox, KnownMessages known) {
    return now(mailbox).map(Changes::at);
  }

  @Override
  public Future<Changes> changes(MailboxCredential mailbox, String cursor, KnownMessages known) {
    BigInteger start;
    try {
      start = new BigInteger(cursor);
    } catch (NumberFormatException notAHistoryId) {
      return lost(mailbox);
    }
    return calls.read(mailbox, gmail -> history(gmail, start))
        .compose(batch -> batch.isEmpty() ? lost(mailbox) : events(mailbox, batch.get()));
  }

  /** The history records read in one call, and the cursor after them. */
  private record Batch(List<History> records, String cursor, boolean more) {}

  /** The records after {@code start}, up to about {@link #maxEvents} changes; empty if Gmail no longer has them. */
  private Optional<Batch> history(Gmail gmail, BigInteger start) throws IOException {
    List<History> records = new ArrayList<>();
    int changes = 0;
    String pageToken = null;
    while (true) {
      ListHistoryResponse page;
      try {
        page = gmail.users().history().list(ME).setStartHistoryId(start).setMaxResults((long) pageSize)
            .setPageToken(pageToken).execute();
      } catch (GoogleJsonResponseException e) {
        if (e.getStatusCode() == 404) {
          return Optional.empty();
        }
        throw e;
      }
      for (History record : page.getHistory() == null ? List.<History>of() : page.getHistory()) {
        if (changes >= maxEvents) {
          return Optional.of(new Batch(records, last(records, start), true));
        }
        records.add(record);
        changes += size(record);
      }
      if (page.getNextPageToken() == null) {
        return Optional.of(new Batch(records, page.getHistoryId().toString(), false));
      }
      if (changes >= maxEvents) {
        return Optional.of(new Batch(records, last(records, start), true));
      }
      pageToken = page.getNextPageToken();
    }
  }

  private static String last(List<History> records, BigInteger start) {
    return records.isEmpty() ? start.toString() : records.get(records.size() - 1).getId().toString();
  }

  private static int size(History record) {
    return count(record.getMessagesAdded()) + count(record.getMessagesDeleted()) + count(record.getLabelsAdded())
        + count(record.getLabelsRemoved());
  }

  private static int count(List<?> changes) {
    return changes == null ? 0 : changes.size();
  }

  /** One change of a record, before its summary is read. */
  private record Change(Kind kind, Message message, List<String> labels) {}

  private enum Kind { ADDED, LABELS_ADDED, LABELS_REMOVED, DELETED }

  private Future<Changes> events(MailboxCredential mailbox, Batch batch) {
    List<Change> changes = new ArrayList<>();
    for (History record : batch.records()) {
      each(record.getMessagesAdded(), added -> changes.add(new Change(Kind.ADDED, added.getMessage(), List.of())));
      each(record.getLabelsAdded(), added -> changes.add(new Change(Kind.LABELS_ADDED, added.getMessage(),
          added.getLabelIds())));
      each(record.getLabelsRemoved(), removed -> changes.add(new Change(Kind.LABELS_REMOVED, removed.getMessage(),
          removed.getLabelIds())));
      each(record.getMessagesDeleted(), deleted -> changes.add(new Change(Kind.DELETED, deleted.getMessage(), List.of())));
    }
    Set<String> toRead = new LinkedHashSet<>();
    changes.stream().filter(c -> c.kind() != Kind.DELETED).forEach(c -> toRead.add(c.message().getId()));
    return summaries(mailbox, List.copyOf(toRead), 0, new HashMap<>()).map(summaries -> {
      List<NewEvent> events = new ArrayList<>();
      for (Change change : changes) {
        Message message = change.message();
        Optional<MessageSummary> now = summaries.getOrDefault(message.getId(), Optional.empty());
        switch (change.kind()) {
          case ADDED -> now.ifPresent(summary -> events.add(NewEvent.added(summary)));
          case DELETED -> events.add(NewEvent.deleted(message.getId(), nullToEmpty(message.getThreadId())));
          default -> {
            MessageSummary summary = now.orElseGet(() -> idsOnly(message));
            List<String> labels = change.labels() == null ? List.of() : change.labels();
            events.add(change.kind() == Kind.LABELS_ADDED ? NewEvent.labelsChanged(summary, labels, List.of())
                : NewEvent.labelsChanged(summary, List.of(), labels));
          }
        }
      }
      return new Changes(events, batch.cursor(), false, batch.more(), Map.of(), Set.of());
    });
  }

  private static <T> void each(List<T> items, java.util.function.Consumer<T> action) {
    if (items != null) {
      items.forEach(action);
    }
  }

  /** The summaries of {@code ids} from {@code from} on, {@link #READS_AT_ONCE} at a time; empty for a message gone. */
  private Future<Map<String, Optional<MessageSummary>>> summaries(MailboxCredential mailbox, List<String> ids, int from,
      Map<String, Optional<MessageSummary>> found) {
    if (from >= ids.size()) {
      return Future.succeededFuture(found);
    }
    List<String> chunk = ids.subList(from, Math.min(ids.size(), from + READS_AT_ONCE));
    List<Future<Optional<MessageSummary>>> reads = chunk.stream().map(id -> mail.metadata(mailbox, id)
        .map(Optional::of)
        .recover(failure -> failure instanceof GatewayException e && e.reason() == Reason.MESSAGE_NOT_FOUND
            ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(failure)))
        .toList();
    return Future.all(reads).compose(done -> {
      for (int i = 0; i < chunk.size(); i++) {
        found.put(chunk.get(i), reads.get(i).result());
      }
      return summaries(mailbox, ids, from + chunk.size(), found);
    });
  }

  /** What a history record says of a message gone by now: its ids and the labels the change left it with. */
  private static MessageSummary idsOnly(Message message) {
    return new MessageSummary(message.getId(), nullToEmpty(message.getThreadId()), null, List.of(), "", "",
        message.getLabelIds() == null ? List.of() : List.copyOf(message.getLabelIds()), null, false);
  }

  /** Re-anchors at now after Gmail lost the history the cursor pointed into. */
  private Future<Changes> lost(MailboxCredential mailbox) {
    return now(mailbox).map(cursor -> new Changes(List.of(), cursor, true, false, Map.of(), Set.of()));
  }

  private Future<String> now(MailboxCredential mailbox) {
    return calls.read(mailbox, gmail -> gmail.users().getProfile(ME).execute().getHistoryId().toString());
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }
}
