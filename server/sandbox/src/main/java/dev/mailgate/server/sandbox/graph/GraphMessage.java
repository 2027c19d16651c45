package dev.mailgate.server.sandbox.graph;

import dev.mailgate.server.sandbox.ConversationTopic;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One message of one mailbox with the properties of Graph's {@code message} resource
 * (https://learn.microsoft.com/graph/api/resources/message). Mail that arrived or was sent keeps
 * the MIME it was made from ({@link #mime}); a draft, or a message whose content was changed, is
 * written out from its properties when asked for. Its fields change only under the lock of the
 * {@link Mailbox} that holds it; its id never changes, not even when it moves.
 */
final class GraphMessage {

  /** Graph's {@code itemBody}: {@code text} or {@code html}. */
  record Body(String contentType, String content) {

    static final Body EMPTY = new Body("text", "");

    boolean isHtml() {
      return contentType.equals("html");
    }

    String asText() {
      return isHtml() ? BodyText.toText(content) : content;
    }

    String asHtml() {
      return isHtml() ? content : BodyText.fromText(content);
    }
  }

  /** An {@code internetMessageHeader}. */
  record Header(String name, String value) {}

  final String id;
  /** What dates its creation and changes: the clock of the sandbox it belongs to. */
  private final Clock clock;
  String folderId;
  String conversationId;
  String internetMessageId = "";
  String subject = "";
  Body body = Body.EMPTY;
  Recipient from;
  Recipient sender;
  List<Recipient> to = List.of();
  List<Recipient> cc = List.of();
  List<Recipient> bcc = List.of();
  List<Recipient> replyTo = List.of();
  String importance = "normal";
  String flagStatus = "notFlagged";
  List<String> categories = List.of();
  List<Header> headers = List.of();
  /** The ids this message answers (In-Reply-To first, then References), angle brackets included. */
  String inReplyTo;
  List<String> references = List.of();
  final List<FileAttachment> attachments = new ArrayList<>();
  Instant created;
  Instant lastModified;
  Instant received;
  Instant sent;
  boolean read;
  boolean draft;
  /** Created with {@code Prefer: IdType="ImmutableId"}: its id survives sending (see {@link ImmutableIds}). */
  boolean immutableId;
  boolean deliveryReceiptRequested;
  boolean readReceiptRequested;
  byte[] mime;
  long sequence;
  private int version = 1;

  GraphMessage(String id, Clock clock) {
    this.id = id;
    this.clock = clock;
    Instant now = now();
    created = now;
    lastModified = now;
    received = now;
  }

  /** Now by the sandbox's clock, to the second as Graph's timestamps are. */
  Instant now() {
    return now(clock);
  }

  /** Now by {@code clock}, to the second as Graph's timestamps are. */
  static Instant now(Clock clock) {
    return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS);
  }

  /** A copy under a new id with the same content, state and MIME (what Graph's {@code copy} makes). */
  GraphMessage copy(String newId) {
    GraphMessage c = new GraphMessage(newId, clock);
    c.folderId = folderId;
    c.conversationId = conversationId;
    c.internetMessageId = internetMessageId;
    c.subject = subject;
    c.body = body;
    c.from = from;
    c.sender = sender;
    c.to = to;
    c.cc = cc;
    c.bcc = bcc;
    c.replyTo = replyTo;
    c.importance = importance;
    c.flagStatus = flagStatus;
    c.categories = categories;
    c.headers = headers;
    c.inReplyTo = inReplyTo;
    c.references = references;
    c.attachments.addAll(attachments);
    c.received = received;
    c.sent = sent;
    c.read = read;
    c.draft = draft;
    c.immutableId = immutableId;
    c.mime = mime;
    return c;
  }

  /** Records a change: a new change key and modification time. */
  void touch() {
    version++;
    lastModified = now();
  }

  /** Records a change to what the MIME says: it will be written out from the properties from now on. */
  void contentChanged() {
    mime = null;
    touch();
  }

  String changeKey() {
    return Ids.changeKey(id, version);
  }

  /** Graph counts only attachments that are not inline. */
  boolean hasAttachments() {
    return attachments.stream().anyMatch(a -> !a.inline());
  }

  List<Recipient> allRecipients() {
    List<Recipient> all = new ArrayList<>(to);
    all.addAll(cc);
    all.addAll(bcc);
    return all;
  }

  /** The subject without reply and forward prefixes, lower case: what conversations are matched on. */
  String conversationTopic() {
    return ConversationTopic.of(subject);
  }

  /** Whether the subject starts with a reply or forward prefix. */
  boolean isReplyOrForward() {
    return !ConversationTopic.of(subject).equals(subject.trim().toLowerCase(Locale.ROOT));
  }

  /** Newest first: received time, then arrival in the mailbox. */
  static int newestFirst(GraphMessage a, GraphMessage b) {
    int byDate = b.received.compareTo(a.received);
    return byDate != 0 ? byDate : Long.compare(b.sequence, a.sequence);
  }
}
