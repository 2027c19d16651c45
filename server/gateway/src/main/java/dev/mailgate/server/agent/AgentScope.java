package dev.mailgate.server.agent;

/** One kind of operation an agent token allows (see {@code mailgate.v1.AgentScope}). */
public enum AgentScope {
  /** List and check connections, search and read mail, drafts, labels and mailbox events. */
  READ,
  /** Change a message's labels (mark read, archive) and move messages to or from the trash. */
  MODIFY,
  /** Create, update and delete drafts. */
  DRAFT,
  /** Send messages and drafts. */
  SEND
}
