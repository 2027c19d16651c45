package dev.mailgate.server.sandbox.gmail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The change log behind {@code users.history.list}: one record per change, ids growing from the
 * mailbox's history id with gaps between them, as Gmail's do ("not contiguous with random gaps in
 * between valid IDs"). The latest {@link #RETAINED} records are kept, or fewer once
 * {@link #expire} dropped the older ones; a start before what is kept is out of date (404). Guarded
 * by its mailbox.
 */
final class HistoryLog {

  /** What a record says happened, by the name {@code historyTypes} uses. */
  enum Type {
    MESSAGE_ADDED("messageAdded", "messagesAdded"),
    MESSAGE_DELETED("messageDeleted", "messagesDeleted"),
    LABEL_ADDED("labelAdded", "labelsAdded"),
    LABEL_REMOVED("labelRemoved", "labelsRemoved");

    final String parameter;
    final String field;

    Type(String parameter, String field) {
      this.parameter = parameter;
      this.field = field;
    }
  }

  record Entry(long id, Type type, String messageId, String threadId, List<String> messageLabels,
      List<String> changedLabels) {

    JsonObject toJson() {
      JsonObject ref = new JsonObject().put("id", messageId).put("threadId", threadId);
      JsonObject message = ref.copy();
      if (type != Type.MESSAGE_DELETED && !messageLabels.isEmpty()) {
        message.put("labelIds", new JsonArray(new ArrayList<>(messageLabels)));
      }
      JsonObject change = new JsonObject().put("message", message);
      if (type == Type.LABEL_ADDED || type == Type.LABEL_REMOVED) {
        change.put("labelIds", new JsonArray(new ArrayList<>(changedLabels)));
      }
      return new JsonObject().put("id", Long.toString(id)).put("messages", new JsonArray().add(ref))
          .put(type.field, new JsonArray().add(change));
    }

    boolean concerns(String labelId) {
      return messageLabels.contains(labelId) || changedLabels.contains(labelId);
    }
  }

  /** The most records a mailbox keeps; older ones are dropped as Gmail drops history it no longer has. */
  static final int RETAINED = 100_000;

  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private final Consumer<Entry> onRecord;
  private long current;
  /** The oldest start id still answered: every change after it is kept. */
  private long oldestStart;

  HistoryLog(long start, Consumer<Entry> onRecord) {
    this.current = start;
    this.oldestStart = start;
    this.onRecord = onRecord;
  }

  long current() {
    return current;
  }

  /** Records a change and returns its history id. */
  long record(Type type, StoredMessage message, Collection<String> changedLabels) {
    current += 1 + ThreadLocalRandom.current().nextInt(3);
    Entry entry = new Entry(current, type, message.id(), message.threadId(), message.labelList(),
        List.copyOf(changedLabels));
    entries.add(entry);
    if (entries.size() > RETAINED) {
      oldestStart = entries.removeFirst().id();
    }
    onRecord.accept(entry);
    return current;
  }

  /** Forgets every record so far: only starts at the current id or later are answered. */
  void expire() {
    entries.clear();
    oldestStart = current;
  }

  /** Whether changes after {@code startHistoryId} are still all known (else Gmail answers 404). */
  boolean retains(long startHistoryId) {
    return startHistoryId >= oldestStart;
  }

  /** Records after {@code startHistoryId}, of the given types (all if empty), about {@code labelId} (any if null). */
  List<Entry> after(long startHistoryId, List<Type> types, String labelId) {
    return entries.stream()
        .filter(e -> e.id() > startHistoryId)
        .filter(e -> types.isEmpty() || types.contains(e.type()))
        .filter(e -> labelId == null || e.concerns(labelId))
        .toList();
  }
}
