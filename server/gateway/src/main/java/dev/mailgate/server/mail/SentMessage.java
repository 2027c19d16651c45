package dev.mailgate.server.mail;

/** What the provider assigned to a sent message. */
public record SentMessage(String messageId, String threadId) {}
