package dev.mailgate.server.sandbox.gmail;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A message in one mailbox. Its bytes and parse never change; its labels and history id do, and
 * only under the lock of the {@link Mailbox} that holds it.
 */
final class StoredMessage {

  private final String id;
  private final String threadId;
  private final byte[] raw;
  private final ParsedMessage parsed;
  private final long internalDate;
  private final long sequence;
  private final Set<String> labels = new LinkedHashSet<>();
  private final Set<String> labelsBeforeTrash = new LinkedHashSet<>();
  private long historyId;

  StoredMessage(String id, String threadId, byte[] raw, ParsedMessage parsed, long internalDate, long sequence) {
    this.id = id;
    this.threadId = threadId;
    this.raw = raw;
    this.parsed = parsed;
    this.internalDate = internalDate;
    this.sequence = sequence;
  }

  String id() {
    return id;
  }

  String threadId() {
    return threadId;
  }

  byte[] raw() {
    return raw;
  }

  ParsedMessage parsed() {
    return parsed;
  }

  long internalDate() {
    return internalDate;
  }

  /** Arrival order in the mailbox; breaks ties between equal internal dates. */
  long sequence() {
    return sequence;
  }

  Set<String> labels() {
    return labels;
  }

  Set<String> labelsBeforeTrash() {
    return labelsBeforeTrash;
  }

  List<String> labelList() {
    return List.copyOf(labels);
  }

  long historyId() {
    return historyId;
  }

  void historyId(long historyId) {
    this.historyId = historyId;
  }

  /** Newest first: internal date, then arrival. */
  static int newestFirst(StoredMessage a, StoredMessage b) {
    int byDate = Long.compare(b.internalDate, a.internalDate);
    return byDate != 0 ? byDate : Long.compare(b.sequence, a.sequence);
  }
}
