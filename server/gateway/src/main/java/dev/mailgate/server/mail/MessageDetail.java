package dev.mailgate.server.mail;

import java.util.List;

/**
 * A message in as much detail as the view asked for: headers (METADATA, FULL), bodies and the
 * attachment list (FULL), the RFC 5322 bytes (RAW).
 */
public record MessageDetail(MessageSummary summary, List<Header> headers, List<MailAddress> cc, List<MailAddress> bcc,
    String textBody, String htmlBody, List<AttachmentInfo> attachments, byte[] raw, String rfc822MessageId) {}
