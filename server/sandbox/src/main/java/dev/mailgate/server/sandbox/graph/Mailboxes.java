package dev.mailgate.server.sandbox.graph;

import dev.mailgate.server.sandbox.MailboxDirectory;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * All mailboxes of the sandbox by address (created on first use), and the post office between
 * them: sent mail is copied to the sender's Sent Items and delivered, without its Bcc header,
 * unread to the Inbox of each recipient whose mailbox exists here. Nothing leaves the sandbox.
 */
final class Mailboxes {

  private final Clock clock;
  private final MailboxDirectory<Mailbox> directory;

  /** Mailboxes that date what they store by {@code clock}. */
  Mailboxes(Clock clock) {
    this(clock, change -> { });
  }

  /** Mailboxes that tell {@code changes} about every change to a message (under the mailbox's lock). */
  Mailboxes(Clock clock, java.util.function.Consumer<Mailbox.Change> changes) {
    this.clock = clock;
    this.directory = new MailboxDirectory<>(address -> new Mailbox(address, clock, changes));
  }

  Mailbox open(String address) {
    return directory.open(address);
  }

  Optional<Mailbox> existing(String address) {
    return directory.existing(address);
  }

  /** Mail arriving from outside: unread in {@code folderName}, received when its Date header says (else now). */
  GraphMessage deliver(String address, byte[] raw, String folderName) {
    GraphMessage message = MimeImport.read(raw, clock);
    if (message.sent == null) {
      message.sent = message.now();
    }
    message.received = message.sent;
    Mailbox mailbox = open(address);
    return mailbox.locked(() -> mailbox.insert(message, mailbox.folders().wellKnown(folderName)));
  }

  /**
   * Sends finished MIME from {@code sender}: a read copy in Sent Items if {@code saveToSentItems}
   * (in {@code conversationId} if given; with id {@code keepId} if given, else a new one), and
   * delivery to the sandbox recipients. Returns the copy in Sent Items, or empty.
   */
  Optional<GraphMessage> send(Mailbox sender, byte[] raw, boolean saveToSentItems, String conversationId,
      String keepId) {
    GraphMessage parsed = MimeImport.read(raw, clock);
    GraphMessage sent = keepId == null ? parsed : parsed.copy(keepId);
    if (sent.allRecipients().isEmpty()) {
      throw GraphException.invalidRecipients("A message can't be sent because it contains no recipients.");
    }
    Instant now = GraphMessage.now(clock);
    if (sent.sent == null) {
      sent.sent = now;
    }
    Optional<GraphMessage> kept = Optional.empty();
    if (saveToSentItems) {
      sent.read = true;
      sent.received = now;
      sent.conversationId = conversationId;
      kept = Optional.of(sender.locked(() -> sender.insert(sent, sender.folders().wellKnown(Folders.SENT_ITEMS))));
    }
    byte[] delivered = sent.bcc.isEmpty() ? raw : MimeHeaders.withoutBcc(raw);
    Set<String> addresses = new LinkedHashSet<>();
    sent.allRecipients().forEach(r -> addresses.add(r.address().toLowerCase(Locale.ROOT)));
    for (String address : addresses) {
      existing(address).ifPresent(inbox -> {
        GraphMessage copy = MimeImport.read(delivered, clock);
        copy.received = now;
        copy.sent = sent.sent;
        inbox.locked(() -> inbox.insert(copy, inbox.folders().wellKnown(Folders.INBOX)));
      });
    }
    return kept;
  }
}
