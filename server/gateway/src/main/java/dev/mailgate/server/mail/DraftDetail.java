package dev.mailgate.server.mail;

import java.time.Instant;

/** An unsent message; {@code rfc822MessageId} is the Message-ID it will be sent with. */
public record DraftDetail(String draftId, OutgoingMessage content, String messageId, String threadId, Instant updateTime,
    String rfc822MessageId) {}
