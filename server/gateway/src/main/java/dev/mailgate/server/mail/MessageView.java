package dev.mailgate.server.mail;

/** How much of a message to read. */
public enum MessageView {
  METADATA,
  FULL,
  RAW
}
