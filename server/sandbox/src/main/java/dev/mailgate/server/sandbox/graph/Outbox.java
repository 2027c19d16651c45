package dev.mailgate.server.sandbox.graph;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Sends on behalf of a mailbox what Exchange would accept: a message with resolvable
 * recipients, from the mailbox itself (anything else is ErrorSendAsDenied), stamped with
 * Message-ID and Date, written as MIME and handed to the post office ({@link Mailboxes#send}).
 *
 * <p>Like Graph, sending is asynchronous: the request is checked and answered 202 at once, and
 * the message is delivered and its copy filed in Sent Items only after the filing delay
 * ({@link GraphSandbox#filingDelay}). A sent draft leaves Drafts at once and is found nowhere
 * until then (GET by its id answers 404).
 */
final class Outbox {

  /** A message checked and ready to go: its final MIME and where its Sent Items copy belongs. */
  record Submission(Mailbox sender, byte[] raw, boolean saveToSentItems, String conversationId, String keepId) {}

  private final Mailboxes mailboxes;
  private volatile Duration filingDelay;

  Outbox(Mailboxes mailboxes, Duration filingDelay) {
    this.mailboxes = mailboxes;
    this.filingDelay = filingDelay;
  }

  void filingDelay(Duration delay) {
    this.filingDelay = delay;
  }

  /**
   * Checks a message given as properties (sendMail JSON, a draft, a reply) and makes its MIME;
   * throws what Graph answers for one it would refuse. {@code keepId}: the id its Sent Items copy
   * gets (a draft with an immutable id), or null for a new one.
   */
  Submission submit(Mailbox sender, GraphMessage message, boolean saveToSentItems, String keepId) {
    List<Recipient> recipients = message.allRecipients();
    if (recipients.isEmpty()) {
      throw GraphException.invalidRecipients("A message can't be sent because it contains no recipients.");
    }
    for (Recipient recipient : recipients) {
      if (!recipient.isDeliverable()) {
        throw GraphException.invalidRecipients("Recipient '" + recipient.address() + "' is not resolved. "
            + "All recipients must be resolved before a message can be submitted.");
      }
    }
    requireOwnAddress(sender, message.from);
    message.from = message.from == null ? sender.self() : message.from;
    message.sender = message.from;
    message.sent = message.now();
    if (message.internetMessageId.isEmpty()) {
      message.internetMessageId = Ids.internetMessageId();
    }
    byte[] raw = message.mime != null
        ? MimeHeaders.completed(message.mime, message.from, message.internetMessageId, message.sent)
        : MimeWriter.write(message);
    return new Submission(sender, raw, saveToSentItems, message.conversationId, keepId);
  }

  /** Checks RFC 822 as given (Graph's MIME format), keeping its Message-ID; adds From, Message-ID, Date if missing. */
  Submission submitMime(Mailbox sender, byte[] raw) {
    GraphMessage parsed = MimeImport.read(raw, sender.clock());
    requireOwnAddress(sender, parsed.from);
    Instant now = sender.now();
    return new Submission(sender, MimeHeaders.completed(raw, sender.self(), Ids.internetMessageId(), now), true, null,
        null);
  }

  /** Delivers and files a submission after the filing delay (at once if it is zero). */
  void file(Vertx vertx, Submission submission) {
    long delay = filingDelay.toMillis();
    if (delay <= 0) {
      deliver(submission);
    } else {
      vertx.setTimer(delay, id -> deliver(submission));
    }
  }

  private void deliver(Submission s) {
    mailboxes.send(s.sender(), s.raw(), s.saveToSentItems(), s.conversationId(), s.keepId());
  }

  private static void requireOwnAddress(Mailbox sender, Recipient from) {
    if (from != null && !from.address().equalsIgnoreCase(sender.address())) {
      throw GraphException.sendAsDenied();
    }
  }
}
