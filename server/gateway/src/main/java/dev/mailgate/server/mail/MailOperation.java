package dev.mailgate.server.mail;

import java.util.Locale;

/** The operations of {@link MailProvider}, as metrics and traces name them. */
public enum MailOperation {
  SEARCH, GET_MESSAGE, GET_ATTACHMENT, GET_THREAD, SEND, FIND_SENT, CREATE_DRAFT, GET_DRAFT, LIST_DRAFTS,
  UPDATE_DRAFT, DELETE_DRAFT, SEND_DRAFT, LIST_LABELS, MODIFY, TRASH, UNTRASH;

  /** The metric label: {@code get_message}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The method's name: {@code getMessage}. */
  public String method() {
    StringBuilder name = new StringBuilder();
    for (String word : label().split("_")) {
      name.append(name.isEmpty() ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
    }
    return name.toString();
  }
}
