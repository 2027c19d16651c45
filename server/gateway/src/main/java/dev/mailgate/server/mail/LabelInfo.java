package dev.mailgate.server.mail;

/** A label (or a folder exposed as one), with counts where the provider reports them. */
public record LabelInfo(String labelId, String name, boolean system, int unreadCount, int totalCount) {}
