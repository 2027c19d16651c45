package dev.mailgate.server.mail;

/** A file to attach; a non-empty contentId makes it an inline part the HTML body can reference. */
public record OutgoingAttachment(String filename, String mimeType, byte[] data, String contentId) {}
