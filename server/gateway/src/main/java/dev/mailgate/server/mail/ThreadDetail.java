package dev.mailgate.server.mail;

import java.util.List;

/** A conversation with its messages, oldest first. */
public record ThreadDetail(String threadId, List<MessageDetail> messages) {}
