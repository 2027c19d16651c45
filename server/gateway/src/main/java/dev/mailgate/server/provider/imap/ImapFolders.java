package dev.mailgate.server.provider.imap;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;

/**
 * A mailbox's folders seen as labels. The system labels INBOX, SENT, DRAFT, TRASH and SPAM name
 * the folders with that role: the one flagged {@code \Sent}, {@code \Drafts}, {@code \Trash},
 * {@code \Junk} (RFC 6154 SPECIAL-USE) or else the first with a common name ("Sent", "Sent Items",
 * ...). Every other selectable folder is a user label whose id is its full name, the archive
 * folder ({@code \Archive} or "Archive") included. Sent, Drafts and Trash are created when
 * missing; Archive when first needed.
 */
final class ImapFolders {

  /** A folder with a meaning the gateway relies on. */
  enum Role {
    INBOX("INBOX", null),
    SENT("SENT", "\\Sent", "Sent", "Sent Items", "Sent Messages", "Sent Mail"),
    DRAFT("DRAFT", "\\Drafts", "Drafts", "Draft"),
    TRASH("TRASH", "\\Trash", "Trash", "Deleted Items", "Deleted Messages", "Bin"),
    SPAM("SPAM", "\\Junk", "Junk", "Spam", "Junk E-mail", "Junk Email"),
    ARCHIVE(null, "\\Archive", "Archive", "Archives");

    /** The system label id, or null when the folder is labelled by its name. */
    final String labelId;
    final String specialUse;
    final List<String> names;

    Role(String labelId, String specialUse, String... names) {
      this.labelId = labelId;
      this.specialUse = specialUse;
      this.names = Arrays.asList(names);
    }

    static Optional<Role> ofLabel(String labelId) {
      return Arrays.stream(values()).filter(r -> r.labelId != null && r.labelId.equals(labelId)).findFirst();
    }
  }

  private static final List<Role> CREATED_WHEN_MISSING = List.of(Role.SENT, Role.DRAFT, Role.TRASH);

  private final Map<Role, String> roles;
  private final List<String> selectable;
  private final String prefix;

  private ImapFolders(Map<Role, String> roles, List<String> selectable, String prefix) {
    this.roles = roles;
    this.selectable = List.copyOf(selectable);
    this.prefix = prefix;
  }

  /** Lists the store's folders, finds the role folders and creates Sent, Drafts and Trash if missing. */
  static ImapFolders resolve(IMAPStore store) throws MessagingException {
    List<String> selectable = new ArrayList<>();
    Map<Role, String> bySpecialUse = new EnumMap<>(Role.class);
    for (Folder folder : store.getDefaultFolder().list("*")) {
      List<String> attributes = Arrays.asList(((IMAPFolder) folder).getAttributes());
      if (attributes.stream().anyMatch(a -> a.equalsIgnoreCase("\\Noselect") || a.equalsIgnoreCase("\\NonExistent"))) {
        continue;
      }
      String name = folder.getFullName();
      selectable.add(name.equalsIgnoreCase("INBOX") ? "INBOX" : name);
      for (Role role : Role.values()) {
        if (role.specialUse != null && attributes.stream().anyMatch(role.specialUse::equalsIgnoreCase)) {
          bySpecialUse.putIfAbsent(role, name);
        }
      }
    }
    if (!selectable.contains("INBOX")) {
      selectable.add(0, "INBOX");
    }
    char separator = separator(store);
    Map<Role, String> roles = new EnumMap<>(Role.class);
    roles.put(Role.INBOX, "INBOX");
    for (Role role : Role.values()) {
      if (role != Role.INBOX) {
        Optional.ofNullable(bySpecialUse.get(role)).or(() -> byName(role, selectable, separator))
            .ifPresent(name -> roles.put(role, name));
      }
    }
    ImapFolders folders = new ImapFolders(roles, selectable, namespacePrefix(store));
    for (Role role : CREATED_WHEN_MISSING) {
      if (!roles.containsKey(role)) {
        folders = folders.create(store, role);
      }
    }
    return folders;
  }

  /** The folder with this role, created first if the server has none (Sent, Drafts, Trash, Archive). */
  ImapFolders ensure(IMAPStore store, Role role) throws MessagingException {
    return roles.containsKey(role) || role == Role.SPAM ? this : create(store, role);
  }

  private ImapFolders create(IMAPStore store, Role role) throws MessagingException {
    String name = prefix + role.names.get(0);
    Folder folder = store.getFolder(name);
    if (!folder.exists() && !folder.create(Folder.HOLDS_MESSAGES) && !folder.exists()) {
      throw new MessagingException("the " + role.names.get(0) + " folder cannot be created");
    }
    Map<Role, String> roles = new EnumMap<>(this.roles);
    roles.put(role, folder.getFullName());
    List<String> selectable = new ArrayList<>(this.selectable);
    if (!selectable.contains(folder.getFullName())) {
      selectable.add(folder.getFullName());
    }
    return new ImapFolders(roles, selectable, prefix);
  }

  /** The full name of the folder with this role, if the mailbox has one. */
  Optional<String> folder(Role role) {
    return Optional.ofNullable(roles.get(role));
  }

  /** The role of a folder, if it has one. */
  Optional<Role> roleOf(String folder) {
    return roles.entrySet().stream().filter(e -> e.getValue().equals(folder)).map(Map.Entry::getKey).findFirst();
  }

  /** The label a folder stands for: its system label id, or its full name. */
  String labelOf(String folder) {
    return roleOf(folder).map(role -> role.labelId).orElse(folder);
  }

  /** The folder a label stands for: a system label's folder, or the folder with that full name. */
  Optional<String> folderOf(String labelId) {
    Optional<Role> role = Role.ofLabel(labelId);
    if (role.isPresent()) {
      return folder(role.get());
    }
    if (labelId.equalsIgnoreCase("INBOX")) {
      return Optional.of("INBOX");
    }
    return selectable.stream().filter(labelId::equals).findFirst();
  }

  /** Every selectable folder's full name, INBOX first. */
  List<String> selectable() {
    return selectable;
  }

  private static Optional<String> byName(Role role, List<String> selectable, char separator) {
    for (String wanted : role.names) {
      for (String name : selectable) {
        String last = name.substring(name.lastIndexOf(separator) + 1);
        if (last.toLowerCase(Locale.ROOT).equals(wanted.toLowerCase(Locale.ROOT))) {
          return Optional.of(name);
        }
      }
    }
    return Optional.empty();
  }

  private static char separator(IMAPStore store) throws MessagingException {
    return store.getDefaultFolder().getSeparator();
  }

  /** Where new folders go: the personal namespace, e.g. "INBOX." on servers that keep folders under INBOX. */
  private static String namespacePrefix(IMAPStore store) throws MessagingException {
    Folder[] personal = store.getPersonalNamespaces();
    if (personal.length == 0 || personal[0].getFullName().isEmpty()) {
      return "";
    }
    return personal[0].getFullName() + personal[0].getSeparator();
  }
}
