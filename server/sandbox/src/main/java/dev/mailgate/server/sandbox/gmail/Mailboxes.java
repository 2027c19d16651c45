package dev.mailgate.server.sandbox.gmail;

import dev.mailgate.server.sandbox.MailboxDirectory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * All mailboxes of the sandbox by address (created on first use), and the post office between
 * them: a sent message lands in the sender's SENT and in the INBOX of each recipient whose
 * mailbox exists here. Nothing leaves the sandbox.
 */
final class Mailboxes {

  /** Gmail's limit for a message sent through the API. */
  static final int MAX_MESSAGE_BYTES = 35 * 1024 * 1024;

  private final Clock clock;
  private final MailboxDirectory<Mailbox> directory;

  /** Mailboxes that date what they store by {@code clock} and hand every change to {@code changes}. */
  Mailboxes(Clock clock, BiConsumer<Mailbox, HistoryLog.Entry> changes) {
    this.clock = clock;
    this.directory = new MailboxDirectory<>(address -> new Mailbox(address, clock, changes));
  }

  Mailbox open(String address) {
    return directory.open(address);
  }

  Optional<Mailbox> existing(String address) {
    return directory.existing(address);
  }

  /** A message as received: labels given, dated by its Date header when it has one. */
  StoredMessage deliver(String address, byte[] raw, List<String> labelIds) {
    ParsedMessage parsed = PayloadParser.parse(raw);
    return open(address).insert(raw, parsed, labelIds, parsed.dateMillis().orElseGet(clock::millis), null);
  }

  /** What {@code messages.send} and {@code drafts.send} do with the bytes of a message. */
  StoredMessage send(Mailbox sender, byte[] raw, String threadId) {
    return send(sender, prepare(sender, raw), threadId);
  }

  StoredMessage send(Mailbox sender, Outgoing outgoing, String threadId) {
    long now = clock.millis();
    List<String> labels = new ArrayList<>(List.of(LabelSet.SENT));
    if (outgoing.parsed().recipients().contains(sender.address())) {
      labels.addAll(List.of(LabelSet.INBOX, LabelSet.UNREAD));
    }
    StoredMessage sent = sender.insert(outgoing.raw(), outgoing.parsed(), labels, now, threadId);
    Set<String> recipients = new LinkedHashSet<>(outgoing.parsed().recipients());
    recipients.remove(sender.address());
    if (!recipients.isEmpty()) {
      byte[] copy = outgoing.parsed().bcc().isEmpty() ? outgoing.raw() : RawHeaders.withoutBcc(outgoing.raw());
      ParsedMessage copyParsed = copy == outgoing.raw() ? outgoing.parsed() : PayloadParser.parse(copy);
      for (String recipient : recipients) {
        existing(recipient).ifPresent(
            inbox -> inbox.insert(copy, copyParsed, List.of(LabelSet.INBOX, LabelSet.UNREAD), now, null));
      }
    }
    return sent;
  }

  /** A message ready to send: headers completed, size and recipients checked. */
  record Outgoing(byte[] raw, ParsedMessage parsed) {}

  Outgoing prepare(Mailbox sender, byte[] raw) {
    requireSize(raw);
    byte[] complete = RawHeaders.asSentBy(raw, sender.address(), clock.instant());
    ParsedMessage parsed = PayloadParser.parse(complete);
    if (parsed.recipients().isEmpty()) {
      throw GmailException.invalidArgument("Recipient address required");
    }
    return new Outgoing(complete, parsed);
  }

  static void requireSize(byte[] raw) {
    if (raw.length > MAX_MESSAGE_BYTES) {
      throw GmailException.tooLarge();
    }
  }
}
