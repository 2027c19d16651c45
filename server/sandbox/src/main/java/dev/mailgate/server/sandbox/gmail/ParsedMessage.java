package dev.mailgate.server.sandbox.gmail;

import dev.mailgate.server.sandbox.ConversationTopic;
import java.util.List;
import java.util.Optional;

/**
 * What the sandbox keeps of a parsed RFC 822 message: the payload tree Gmail serves and the
 * fields its search, threading and sending look at. Header strings are decoded; addresses and
 * {@code text} are lower case.
 *
 * @param messageIdHeader the {@code Message-ID} with its angle brackets, or {@code ""}
 * @param references the ids of {@code In-Reply-To} and {@code References}, oldest first
 * @param recipients the addresses of {@code To}, {@code Cc} and {@code Bcc}
 * @param text the readable text of the body parts, for free-text search
 * @param dateMillis the {@code Date} header, if it parses
 */
record ParsedMessage(PayloadPart payload, String subject, String from, String fromAddress, String to, String cc,
    String bcc, List<String> recipients, String messageIdHeader, List<String> references, String snippet,
    String text, List<String> filenames, Optional<Long> dateMillis) {

  ParsedMessage {
    recipients = List.copyOf(recipients);
    references = List.copyOf(references);
    filenames = List.copyOf(filenames);
  }

  boolean hasAttachment() {
    return payload.hasAttachment();
  }

  /** The subject without reply and forward prefixes, for threading. */
  String threadSubject() {
    return ConversationTopic.of(subject);
  }
}
