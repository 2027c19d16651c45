package dev.mailgate.server.sandbox.graph;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The message properties {@code $filter} and {@code $orderby} can name in the sandbox, with
 * their OData types: what a gateway filters on (read state, attachments, dates, flag, sender,
 * conversation, Message-ID) and a few more. Strings compare case-insensitively, as in Exchange;
 * ids compare exactly.
 */
final class FilterProperties {

  enum Type {
    BOOLEAN("Edm.Boolean"), STRING("Edm.String"), ID("Edm.String"), DATE_TIME("Edm.DateTimeOffset");

    final String edm;

    Type(String edm) {
      this.edm = edm;
    }
  }

  /** A property a term compares; {@code name} as Graph spells it. */
  record Property(String name, Type type, Function<GraphMessage, Object> value) {}

  /** A collection a lambda ({@code any}) ranges over: each message gives a list of elements. */
  record Collection(String name, Function<GraphMessage, List<Object>> elements) {}

  private static final Map<String, Property> PROPERTIES = new LinkedHashMap<>();
  private static final Map<String, Collection> COLLECTIONS = new LinkedHashMap<>();

  static {
    property("isRead", Type.BOOLEAN, m -> m.read);
    property("isDraft", Type.BOOLEAN, m -> m.draft);
    property("hasAttachments", Type.BOOLEAN, GraphMessage::hasAttachments);
    property("receivedDateTime", Type.DATE_TIME, m -> m.draft ? m.created : m.received);
    property("sentDateTime", Type.DATE_TIME, m -> m.sent != null ? m.sent : m.created);
    property("createdDateTime", Type.DATE_TIME, m -> m.created);
    property("lastModifiedDateTime", Type.DATE_TIME, m -> m.lastModified);
    property("subject", Type.STRING, m -> m.subject);
    property("bodyPreview", Type.STRING, m -> BodyText.preview(m.body));
    property("importance", Type.STRING, m -> m.importance);
    property("inferenceClassification", Type.STRING, m -> "focused");
    property("flag/flagStatus", Type.STRING, m -> m.flagStatus);
    property("from/emailAddress/address", Type.STRING, m -> m.from == null ? null : m.from.address());
    property("from/emailAddress/name", Type.STRING, m -> m.from == null ? null : m.from.name());
    property("sender/emailAddress/address", Type.STRING, m -> m.sender == null ? null : m.sender.address());
    property("sender/emailAddress/name", Type.STRING, m -> m.sender == null ? null : m.sender.name());
    property("id", Type.ID, m -> m.id);
    property("conversationId", Type.ID, m -> m.conversationId);
    property("parentFolderId", Type.ID, m -> m.folderId);
    property("internetMessageId", Type.ID, m -> m.internetMessageId);
    COLLECTIONS.put("categories", new Collection("categories", m -> List.copyOf(m.categories)));
    COLLECTIONS.put("torecipients", new Collection("toRecipients", m -> List.copyOf(m.to)));
    COLLECTIONS.put("ccrecipients", new Collection("ccRecipients", m -> List.copyOf(m.cc)));
    COLLECTIONS.put("bccrecipients", new Collection("bccRecipients", m -> List.copyOf(m.bcc)));
    COLLECTIONS.put("replyto", new Collection("replyTo", m -> List.copyOf(m.replyTo)));
  }

  private FilterProperties() {}

  private static void property(String name, Type type, Function<GraphMessage, Object> value) {
    PROPERTIES.put(name.toLowerCase(Locale.ROOT), new Property(name, type, value));
  }

  /** The property a path names; 400 RequestBroker--ParseUri for one the sandbox does not know. */
  static Property property(String path) {
    Property property = PROPERTIES.get(path.toLowerCase(Locale.ROOT));
    if (property == null) {
      throw GraphException.unknownProperty(path);
    }
    return property;
  }

  static Optional<Collection> collection(String name) {
    return Optional.ofNullable(COLLECTIONS.get(name.toLowerCase(Locale.ROOT)));
  }

  /** Compares two values of a property's type (nulls first); strings ignore case. */
  static int compare(Type type, Object a, Object b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    return switch (type) {
      case BOOLEAN -> Boolean.compare((Boolean) a, (Boolean) b);
      case DATE_TIME -> ((Instant) a).compareTo((Instant) b);
      case STRING -> ((String) a).compareToIgnoreCase((String) b);
      case ID -> ((String) a).compareTo((String) b);
    };
  }
}
