package dev.mailgate.server.mail;

import java.time.Instant;
import java.util.List;

/** The short form of a message, as lists show it. */
public record MessageSummary(String messageId, String threadId, MailAddress from, List<MailAddress> to,
    String subject, String snippet, List<String> labelIds, Instant receiveTime, boolean hasAttachments) {}
