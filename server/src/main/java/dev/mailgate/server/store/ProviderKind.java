package dev.mailgate.server.store;

/** The kind of mailbox behind a connection, as stored. */
public enum ProviderKind {
  GMAIL,
  OUTLOOK,
  IMAP
}
