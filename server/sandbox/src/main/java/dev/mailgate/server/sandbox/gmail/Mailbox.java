package dev.mailgate.server.sandbox.gmail;

import dev.mailgate.server.sandbox.gmail.HistoryLog.Type;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One Gmail mailbox: messages with their labels and threads, drafts, labels and the history log.
 * Every method holds the mailbox's lock, so a call sees and leaves a consistent mailbox;
 * {@link #read} runs several reads under one lock.
 */
final class Mailbox {

  /** A draft and the message it currently holds. */
  record DraftRef(String id, StoredMessage message) {}

  private final String address;
  private final Clock clock;
  private final LabelSet labels = new LabelSet();
  private final HistoryLog history;
  private final Map<String, StoredMessage> messages = new LinkedHashMap<>();
  private final Map<String, String> drafts = new LinkedHashMap<>();
  private long sequence;
  private Watch watch;

  /**
   * A {@code users.watch} in force: changes concerning {@code labelIds} (any change when empty),
   * or when {@code exclude} all others, are published to {@code topicName} until {@code expiration}.
   */
  record Watch(String topicName, List<String> labelIds, boolean exclude, Instant expiration) {

    boolean covers(HistoryLog.Entry change) {
      if (labelIds.isEmpty()) {
        return true;
      }
      boolean concerned = labelIds.stream().anyMatch(change::concerns);
      return exclude != concerned;
    }
  }

  /** A mailbox whose every history record is also handed to {@code changes} (under the mailbox's lock). */
  Mailbox(String address, Clock clock, java.util.function.BiConsumer<Mailbox, HistoryLog.Entry> changes) {
    this.address = address;
    this.clock = clock;
    this.history = new HistoryLog(1000, entry -> changes.accept(this, entry));
  }

  /** Starts or renews the watch. */
  synchronized void watch(Watch watch) {
    this.watch = watch;
  }

  /** The watch in force now, if any (an expired watch is gone). */
  synchronized java.util.Optional<Watch> watch() {
    if (watch != null && !watch.expiration().isAfter(clock.instant())) {
      watch = null;
    }
    return java.util.Optional.ofNullable(watch);
  }

  synchronized void stopWatch() {
    watch = null;
  }

  String address() {
    return address;
  }

  /** Now by the sandbox's clock. */
  Instant now() {
    return clock.instant();
  }

  synchronized <T> T read(Supplier<T> reader) {
    return reader.get();
  }

  synchronized LabelSet labels() {
    return labels;
  }

  synchronized HistoryLog history() {
    return history;
  }

  /** Stores a message; joins the requested thread, else the thread its references and subject point at. */
  synchronized StoredMessage insert(byte[] raw, ParsedMessage parsed, Collection<String> labelIds, long internalDate,
      String requestedThreadId) {
    labelIds.forEach(this::requireLabel);
    String id = Ids.messageId();
    String threadId = threadFor(parsed, requestedThreadId);
    StoredMessage message = new StoredMessage(id, threadId == null ? id : threadId, raw, parsed, internalDate,
        ++sequence);
    message.labels().addAll(labelIds);
    messages.put(id, message);
    message.historyId(history.record(Type.MESSAGE_ADDED, message, List.of()));
    return message;
  }

  private String threadFor(ParsedMessage parsed, String requestedThreadId) {
    String subject = parsed.threadSubject();
    if (requestedThreadId != null && messages.values().stream()
        .anyMatch(m -> m.threadId().equals(requestedThreadId) && m.parsed().threadSubject().equals(subject))) {
      return requestedThreadId;
    }
    List<String> references = new ArrayList<>(parsed.references());
    for (int i = references.size() - 1; i >= 0; i--) {
      String reference = references.get(i);
      for (StoredMessage m : messages.values()) {
        if (m.parsed().messageIdHeader().equals(reference) && m.parsed().threadSubject().equals(subject)) {
          return m.threadId();
        }
      }
    }
    return null;
  }

  synchronized StoredMessage message(String id) {
    if (!Ids.isMessageId(id)) {
      throw GmailException.invalidArgument("Invalid id value");
    }
    StoredMessage message = messages.get(id);
    if (message == null) {
      throw GmailException.notFound();
    }
    return message;
  }

  synchronized List<String> labelsOf(String id) {
    return message(id).labelList();
  }

  synchronized StoredMessage modify(String id, Collection<String> add, Collection<String> remove) {
    StoredMessage message = message(id);
    add.forEach(this::requireLabel);
    remove.forEach(this::requireLabel);
    Set<String> added = new LinkedHashSet<>();
    for (String label : add) {
      if (message.labels().add(label)) {
        added.add(label);
      }
    }
    Set<String> removed = new LinkedHashSet<>();
    for (String label : remove) {
      if (!added.contains(label) && message.labels().remove(label)) {
        removed.add(label);
      }
    }
    if (!added.isEmpty()) {
      message.historyId(history.record(Type.LABEL_ADDED, message, added));
    }
    if (!removed.isEmpty()) {
      message.historyId(history.record(Type.LABEL_REMOVED, message, removed));
    }
    return message;
  }

  /** Moves to trash: adds TRASH and takes the message out of the inbox (and spam) until untrashed. */
  synchronized StoredMessage trash(String id) {
    StoredMessage message = message(id);
    if (message.labels().contains(LabelSet.TRASH)) {
      return message;
    }
    message.labelsBeforeTrash().clear();
    if (message.labels().contains(LabelSet.INBOX)) {
      message.labelsBeforeTrash().add(LabelSet.INBOX);
    }
    return modify(id, List.of(LabelSet.TRASH), List.of(LabelSet.INBOX, LabelSet.SPAM));
  }

  synchronized StoredMessage untrash(String id) {
    StoredMessage message = message(id);
    if (!message.labels().contains(LabelSet.TRASH)) {
      return message;
    }
    List<String> restore = List.copyOf(message.labelsBeforeTrash());
    message.labelsBeforeTrash().clear();
    return modify(id, restore, List.of(LabelSet.TRASH));
  }

  synchronized void delete(String id) {
    StoredMessage message = message(id);
    messages.remove(id);
    drafts.values().removeIf(id::equals);
    history.record(Type.MESSAGE_DELETED, message, List.of());
  }

  /** Messages matching a list request, newest first; spam and trash only when asked for. */
  synchronized List<StoredMessage> search(MessageQuery query, List<String> labelIds, boolean includeSpamTrash) {
    boolean spamTrash = includeSpamTrash || query.reachesSpamAndTrash() || labelIds.contains(LabelSet.TRASH)
        || labelIds.contains(LabelSet.SPAM);
    long now = clock.millis();
    return messages.values().stream()
        .filter(m -> spamTrash || !(m.labels().contains(LabelSet.TRASH) || m.labels().contains(LabelSet.SPAM)))
        .filter(m -> m.labels().containsAll(labelIds))
        .filter(m -> query.matches(new MessageQuery.Target(m, labels, address, now)))
        .sorted(StoredMessage::newestFirst)
        .toList();
  }

  /** The ids of threads with a matching message, the most recently active first. */
  synchronized List<String> searchThreads(MessageQuery query, List<String> labelIds, boolean includeSpamTrash) {
    Set<String> threadIds = new LinkedHashSet<>();
    search(query, labelIds, includeSpamTrash).forEach(m -> threadIds.add(m.threadId()));
    return List.copyOf(threadIds);
  }

  /** A thread's messages, oldest first. */
  synchronized List<StoredMessage> thread(String threadId) {
    if (!Ids.isMessageId(threadId)) {
      throw GmailException.invalidArgument("Invalid id value");
    }
    List<StoredMessage> thread = messages.values().stream().filter(m -> m.threadId().equals(threadId))
        .sorted(Comparator.comparingLong(StoredMessage::internalDate).thenComparingLong(StoredMessage::sequence))
        .toList();
    if (thread.isEmpty()) {
      throw GmailException.notFound();
    }
    return thread;
  }

  synchronized DraftRef createDraft(byte[] raw, ParsedMessage parsed, String threadId) {
    StoredMessage message = insert(raw, parsed, List.of(LabelSet.DRAFT), clock.millis(), threadId);
    String id = Ids.draftId();
    drafts.put(id, message.id());
    return new DraftRef(id, message);
  }

  synchronized DraftRef draft(String draftId) {
    String messageId = drafts.get(draftId);
    if (messageId == null) {
      throw GmailException.notFound();
    }
    return new DraftRef(draftId, messages.get(messageId));
  }

  /** Replaces a draft's message: a new message id under the same draft id. */
  synchronized DraftRef updateDraft(String draftId, byte[] raw, ParsedMessage parsed, String threadId) {
    DraftRef old = draft(draftId);
    delete(old.message().id());
    StoredMessage message = insert(raw, parsed, List.of(LabelSet.DRAFT), clock.millis(),
        threadId == null ? old.message().threadId() : threadId);
    drafts.put(draftId, message.id());
    return new DraftRef(draftId, message);
  }

  synchronized void deleteDraft(String draftId) {
    delete(draft(draftId).message().id());
  }

  synchronized List<DraftRef> drafts(MessageQuery query, boolean includeSpamTrash) {
    Set<String> matching = new LinkedHashSet<>();
    search(query, List.of(LabelSet.DRAFT), includeSpamTrash).forEach(m -> matching.add(m.id()));
    Map<String, String> draftOfMessage = new LinkedHashMap<>();
    drafts.forEach((draftId, messageId) -> draftOfMessage.put(messageId, draftId));
    return matching.stream().filter(draftOfMessage::containsKey)
        .map(messageId -> new DraftRef(draftOfMessage.get(messageId), messages.get(messageId))).toList();
  }

  /** The Message-ID headers of the messages carrying {@code labelId}, one entry per message. */
  synchronized List<String> messageIdHeaders(String labelId) {
    return messages.values().stream().filter(m -> m.labels().contains(labelId))
        .map(m -> m.parsed().messageIdHeader()).toList();
  }

  synchronized int count(String labelId) {
    return (int) messages.values().stream().filter(m -> m.labels().contains(labelId)).count();
  }

  /** messagesTotal, messagesUnread, threadsTotal, threadsUnread of a label. */
  synchronized int[] labelCounts(String labelId) {
    labels.get(labelId);
    Set<String> threads = new LinkedHashSet<>();
    Set<String> unreadThreads = new LinkedHashSet<>();
    int total = 0;
    int unread = 0;
    for (StoredMessage m : messages.values()) {
      if (m.labels().contains(labelId)) {
        total++;
        threads.add(m.threadId());
        if (m.labels().contains(LabelSet.UNREAD)) {
          unread++;
          unreadThreads.add(m.threadId());
        }
      }
    }
    return new int[] {total, unread, threads.size(), unreadThreads.size()};
  }

  synchronized void deleteLabel(String labelId) {
    labels.delete(labelId);
    messages.values().forEach(m -> m.labels().remove(labelId));
  }

  synchronized int messagesTotal() {
    return messages.size();
  }

  synchronized int threadsTotal() {
    return (int) messages.values().stream().map(StoredMessage::threadId).distinct().count();
  }

  private void requireLabel(String labelId) {
    if (!labels.exists(labelId)) {
      throw GmailException.invalidArgument("Invalid label: " + labelId);
    }
  }
}
