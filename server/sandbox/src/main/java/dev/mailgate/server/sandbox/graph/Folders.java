package dev.mailgate.server.sandbox.graph;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The folder tree of one mailbox: the root ({@code msgfolderroot}), the well-known folders below
 * it and the folders users create. Folders are found by id or by well-known name, case
 * insensitively, as Graph finds them. Not thread-safe: used under the {@link Mailbox} lock.
 */
final class Folders {

  /** A mail folder; {@code wellKnownName} is null for a folder a user made. */
  record Folder(String id, String displayName, String parentId, String wellKnownName) {}

  static final String ROOT = "msgfolderroot";
  static final String INBOX = "inbox";
  static final String SENT_ITEMS = "sentitems";
  static final String DRAFTS = "drafts";

  private static final Map<String, String> WELL_KNOWN = wellKnown();

  private final Folder root;
  private final Map<String, Folder> byId = new LinkedHashMap<>();
  private final Map<String, Folder> byWellKnownName = new LinkedHashMap<>();

  Folders() {
    root = new Folder(Ids.folderId(), "Top of Information Store", Ids.folderId(), ROOT);
    add(root);
    WELL_KNOWN.forEach((name, displayName) -> add(new Folder(Ids.folderId(), displayName, root.id(), name)));
  }

  private static Map<String, String> wellKnown() {
    Map<String, String> names = new LinkedHashMap<>();
    names.put(INBOX, "Inbox");
    names.put(SENT_ITEMS, "Sent Items");
    names.put(DRAFTS, "Drafts");
    names.put("deleteditems", "Deleted Items");
    names.put("archive", "Archive");
    names.put("junkemail", "Junk Email");
    names.put("outbox", "Outbox");
    return names;
  }

  private void add(Folder folder) {
    byId.put(folder.id(), folder);
    if (folder.wellKnownName() != null) {
      byWellKnownName.put(folder.wellKnownName(), folder);
    }
  }

  /** A well-known folder. @throws IllegalArgumentException for a name Graph does not know */
  Folder wellKnown(String name) {
    return Optional.ofNullable(byWellKnownName.get(name.toLowerCase(Locale.ROOT)))
        .orElseThrow(() -> new IllegalArgumentException("No well-known folder " + name));
  }

  /** The folder an id or well-known name stands for: 400 for something that is neither, 404 for no such folder. */
  Folder resolve(String idOrName) {
    Folder named = byWellKnownName.get(idOrName.toLowerCase(Locale.ROOT));
    if (named != null) {
      return named;
    }
    if (!Ids.isWellFormed(idOrName)) {
      throw GraphException.malformedId();
    }
    Folder folder = byId.get(idOrName);
    if (folder == null) {
      throw GraphException.itemNotFound();
    }
    return folder;
  }

  /** The folders directly below {@code parentId}, by display name as Graph lists them. */
  List<Folder> children(String parentId) {
    return byId.values().stream().filter(f -> f != root && f.parentId().equals(parentId))
        .sorted(Comparator.comparing((Folder f) -> f.displayName().toLowerCase(Locale.ROOT))).toList();
  }

  /** A new folder below {@code parentId}; 409 ErrorFolderExists if a sibling has the name. */
  Folder create(String parentId, String displayName) {
    if (displayName == null || displayName.isBlank()) {
      throw GraphException.invalidRequest("The folder's displayName is required.");
    }
    String name = displayName.strip();
    if (children(parentId).stream().anyMatch(f -> f.displayName().equalsIgnoreCase(name))) {
      throw GraphException.folderExists();
    }
    Folder folder = new Folder(Ids.folderId(), name, parentId, null);
    add(folder);
    return folder;
  }
}
