package dev.mailgate.server.mail;

import java.util.List;

/** The content of a message to send or draft; replyToMessageId threads it as a reply. */
public record OutgoingMessage(List<MailAddress> to, List<MailAddress> cc, List<MailAddress> bcc, String subject,
    String textBody, String htmlBody, List<OutgoingAttachment> attachments, String replyToMessageId) {

  /** Every recipient: to, cc and bcc. */
  public List<MailAddress> recipients() {
    return java.util.stream.Stream.of(to, cc, bcc).flatMap(List::stream).toList();
  }
}
