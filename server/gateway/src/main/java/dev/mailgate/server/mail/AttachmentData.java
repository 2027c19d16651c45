package dev.mailgate.server.mail;

/** An attachment with its content. */
public record AttachmentData(String attachmentId, String filename, String mimeType, byte[] data) {}
