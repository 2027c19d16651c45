package dev.mailgate.server.mail;

/** An attachment without its content. */
public record AttachmentInfo(String attachmentId, String filename, String mimeType, long sizeBytes, String contentId) {}
