package dev.mailgate.server.provider.outlook;

import java.util.Map;
import java.util.Optional;

/**
 * Outlook folders as Gmail-style labels: the well-known folders are the system labels INBOX,
 * SENT, DRAFT, TRASH, SPAM and ARCHIVE; other folders are labels named by their Graph id. UNREAD
 * and STARRED are the message's isRead and flag.
 */
final class GraphLabels {

  private static final Map<String, String> FOLDER_OF_LABEL = Map.of(
      "INBOX", "inbox", "SENT", "sentitems", "DRAFT", "drafts", "TRASH", "deleteditems", "SPAM", "junkemail",
      "ARCHIVE", "archive");
  private static final Map<String, String> LABEL_OF_FOLDER = Map.of(
      "inbox", "INBOX", "sentitems", "SENT", "drafts", "DRAFT", "deleteditems", "TRASH", "junkemail", "SPAM",
      "archive", "ARCHIVE");

  private GraphLabels() {}

  /** The folder (well-known name or id) a label names; label ids of user folders are folder ids. */
  static String folderOf(String label) {
    return FOLDER_OF_LABEL.getOrDefault(label.toUpperCase(), FOLDER_OF_LABEL.getOrDefault(label, label));
  }

  /** The system label of a well-known folder name, if it is one. */
  static Optional<String> labelOfWellKnown(String wellKnownName) {
    return Optional.ofNullable(wellKnownName).map(LABEL_OF_FOLDER::get);
  }
}
