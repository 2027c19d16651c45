package dev.mailgate.server.sandbox.graph;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Sends on behalf of a mailbox what Exchange would accept: a message with resolvable
 * recipients, from the mailbox itself (anything else is ErrorSendAsDenied), stamped with
 * Message-ID and Date, written as MIME and handed to the post office ({@link Mailboxes#send}).
 */
final class Outbox {

  private final Mailboxes mailboxes;

  Outbox(Mailboxes mailboxes) {
    this.mailboxes = mailboxes;
  }

  /** Sends a message given as properties (sendMail JSON, a draft, a reply); returns the copy in Sent Items. */
  Optional<GraphMessage> send(Mailbox sender, GraphMessage message, boolean saveToSentItems) {
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
    message.sent = GraphMessage.now();
    if (message.internetMessageId.isEmpty()) {
      message.internetMessageId = Ids.internetMessageId();
    }
    byte[] raw = message.mime != null
        ? MimeHeaders.completed(message.mime, message.from, message.internetMessageId, message.sent)
        : MimeWriter.write(message);
    return mailboxes.send(sender, raw, saveToSentItems, message.conversationId);
  }

  /** Sends RFC 822 as given (Graph's MIME format), keeping its Message-ID; adds From, Message-ID, Date if missing. */
  Optional<GraphMessage> sendMime(Mailbox sender, byte[] raw) {
    GraphMessage parsed = MimeReader.read(raw);
    requireOwnAddress(sender, parsed.from);
    Instant now = GraphMessage.now();
    return mailboxes.send(sender, MimeHeaders.completed(raw, sender.self(), Ids.internetMessageId(), now), true, null);
  }

  private static void requireOwnAddress(Mailbox sender, Recipient from) {
    if (from != null && !from.address().equalsIgnoreCase(sender.address())) {
      throw GraphException.sendAsDenied();
    }
  }
}
