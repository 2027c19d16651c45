package dev.mailgate.server.sandbox.graph;

import dev.mailgate.server.sandbox.graph.Folders.Folder;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One Exchange mailbox: its user, folders, messages and master categories. Every method holds
 * the mailbox's lock, so a call sees and leaves a consistent mailbox; {@link #locked} runs several
 * steps (and the rendering of their results) under one lock.
 */
final class Mailbox {

  /** An {@code outlookCategory} of the master list. */
  record Category(String id, String displayName, String color) {}

  /**
   * A change to one message, as change notifications and delta see it: {@code created} (stored in
   * {@code folderId}), {@code updated}, {@code moved} (from {@code previousFolderId}) or
   * {@code deleted} (from {@code folderId}).
   */
  record Change(Mailbox mailbox, String messageId, String folderId, String previousFolderId, String changeType) {}

  private final String address;
  private final Clock clock;
  private final String userId;
  private final String displayName;
  private final Folders folders = new Folders();
  private final Map<String, GraphMessage> messages = new LinkedHashMap<>();
  private final List<Category> categories = List.of(
      new Category(UUID.randomUUID().toString(), "Red category", "preset0"),
      new Category(UUID.randomUUID().toString(), "Orange category", "preset1"),
      new Category(UUID.randomUUID().toString(), "Yellow category", "preset3"),
      new Category(UUID.randomUUID().toString(), "Green category", "preset4"),
      new Category(UUID.randomUUID().toString(), "Blue category", "preset7"),
      new Category(UUID.randomUUID().toString(), "Purple category", "preset8"));
  private final Consumer<Change> changes;
  private long sequence;

  Mailbox(String address, Clock clock) {
    this(address, clock, change -> { });
  }

  /** A mailbox that tells {@code changes} about every change to its messages (under its lock: never block). */
  Mailbox(String address, Clock clock, Consumer<Change> changes) {
    this.address = address;
    this.clock = clock;
    this.changes = changes;
    this.userId = Ids.userId(address);
    String local = address.contains("@") ? address.substring(0, address.indexOf('@')) : address;
    this.displayName = Arrays.stream(local.split("[._]+")).filter(part -> !part.isEmpty())
        .map(part -> part.substring(0, 1).toUpperCase(Locale.ROOT) + part.substring(1))
        .collect(Collectors.joining(" "));
  }

  String address() {
    return address;
  }

  /** The sandbox's clock, which dates this mailbox's messages. */
  Clock clock() {
    return clock;
  }

  /** Now by the sandbox's clock, to the second. */
  Instant now() {
    return GraphMessage.now(clock);
  }

  String userId() {
    return userId;
  }

  String displayName() {
    return displayName;
  }

  /** The mailbox's own address as a recipient, with its display name. */
  Recipient self() {
    return new Recipient(displayName, address);
  }

  List<Category> categories() {
    return categories;
  }

  synchronized <T> T locked(Supplier<T> steps) {
    return steps.get();
  }

  synchronized Folders folders() {
    return folders;
  }

  /** Stores a message in a folder; it joins the conversation its references (or, for a reply, its topic) point at. */
  synchronized GraphMessage insert(GraphMessage message, Folder folder) {
    message.folderId = folder.id();
    message.sequence = ++sequence;
    if (message.conversationId == null) {
      message.conversationId = conversationOf(message);
    }
    messages.put(message.id, message);
    changes.accept(new Change(this, message.id, message.folderId, null, "created"));
    return message;
  }

  /** Records that a message's properties changed (PATCH, attachments): a new change key, and a notification. */
  synchronized void updated(GraphMessage message) {
    changes.accept(new Change(this, message.id, message.folderId, null, "updated"));
  }

  private String conversationOf(GraphMessage message) {
    List<String> references = new ArrayList<>();
    if (message.inReplyTo != null) {
      references.add(message.inReplyTo);
    }
    for (int i = message.references.size() - 1; i >= 0; i--) {
      references.add(message.references.get(i));
    }
    for (String reference : references) {
      for (GraphMessage m : messages.values()) {
        if (reference.equals(m.internetMessageId)) {
          return m.conversationId;
        }
      }
    }
    if (message.isReplyOrForward()) {
      String topic = message.conversationTopic();
      return messages.values().stream().filter(m -> m.conversationTopic().equals(topic))
          .min(GraphMessage::newestFirst).map(m -> m.conversationId).orElseGet(Ids::conversationId);
    }
    return Ids.conversationId();
  }

  /** A message by id: 400 for an id that is not one, 404 for one this mailbox does not hold. */
  synchronized GraphMessage message(String id) {
    if (!Ids.isWellFormed(id)) {
      throw GraphException.malformedId();
    }
    GraphMessage message = messages.get(id);
    if (message == null) {
      throw GraphException.itemNotFound();
    }
    return message;
  }

  /** The messages of a folder, or of the whole mailbox for null, newest first. */
  synchronized List<GraphMessage> messages(Folder folder) {
    return messages.values().stream().filter(m -> folder == null || m.folderId.equals(folder.id()))
        .sorted(GraphMessage::newestFirst).toList();
  }

  /** Moves a message to another folder. The sandbox keeps its id (as Graph's immutable ids do). */
  synchronized GraphMessage move(String id, String destination) {
    GraphMessage message = message(id);
    Folder folder = folders.resolve(destination);
    if (!message.folderId.equals(folder.id())) {
      String from = message.folderId;
      message.folderId = folder.id();
      message.touch();
      changes.accept(new Change(this, message.id, folder.id(), from, "moved"));
    }
    return message;
  }

  synchronized GraphMessage copy(String id, String destination) {
    GraphMessage original = message(id);
    Folder folder = folders.resolve(destination);
    GraphMessage copy = original.copy(Ids.messageId());
    return insert(copy, folder);
  }

  /** Deletes a message; the sandbox keeps no recoverable-items folder, so it is gone. */
  synchronized void delete(String id) {
    GraphMessage removed = messages.remove(message(id).id);
    changes.accept(new Change(this, removed.id, removed.folderId, null, "deleted"));
  }

  synchronized List<String> internetMessageIds(Folder folder) {
    return messages.values().stream().filter(m -> m.folderId.equals(folder.id())).map(m -> m.internetMessageId).toList();
  }

  synchronized int total(Folder folder) {
    return (int) messages.values().stream().filter(m -> m.folderId.equals(folder.id())).count();
  }

  synchronized int unread(Folder folder) {
    return (int) messages.values().stream().filter(m -> m.folderId.equals(folder.id()) && !m.read).count();
  }
}
