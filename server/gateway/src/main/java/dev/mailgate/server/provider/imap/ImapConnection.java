package dev.mailgate.server.provider.imap;

import dev.mailgate.server.mail.MimeReader;
import dev.mailgate.server.provider.imap.ImapFolders.Role;
import dev.mailgate.server.provider.imap.ImapIds.MessageRef;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.FolderNotFoundException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.HeaderTerm;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.eclipse.angus.mail.imap.IMAPStore;

/**
 * One call's use of a mailbox's pooled IMAP store: its folders as labels, and messages found by
 * their ids. Closing it gives the store back to the pool. Blocking; runs on a worker.
 */
final class ImapConnection implements AutoCloseable {

  /** A message and its open folder; closing closes the folder. */
  record Located(IMAPFolder folder, IMAPMessage message) implements AutoCloseable {

    long uid() throws MessagingException {
      return folder.getUID(message);
    }

    @Override
    public void close() {
      closeQuietly(folder);
    }
  }

  private final ImapConnections pool;
  private final ImapConnections.Pooled pooled;
  private final boolean reused;
  private boolean released;

  ImapConnection(ImapConnections pool, ImapConnections.Pooled pooled, boolean reused) {
    this.pool = pool;
    this.pooled = pooled;
    this.reused = reused;
  }

  IMAPStore store() {
    return pooled.store;
  }

  /** Whether the store was already open before this call (and so may have been dropped meanwhile). */
  boolean reused() {
    return reused;
  }

  /** The mailbox's folders, listed once per pooled store. */
  ImapFolders folders() throws MessagingException {
    ImapFolders folders = pooled.folders;
    return folders != null ? folders : refreshFolders();
  }

  /** Lists the folders again (after someone else may have created or renamed some). */
  ImapFolders refreshFolders() throws MessagingException {
    ImapFolders folders = ImapFolders.resolve(pooled.store);
    pooled.folders = folders;
    return folders;
  }

  /** The full name of the folder with this role, created if missing (Sent, Drafts, Trash, Archive). */
  String folder(Role role) throws MessagingException {
    ImapFolders folders = folders();
    if (folders.folder(role).isEmpty()) {
      folders = folders.ensure(pooled.store, role);
      pooled.folders = folders;
    }
    return folders.folder(role).orElseThrow(ImapIds::notFound);
  }

  /** The folder a label id stands for, listing the folders again once if it is not known yet. */
  Optional<String> folderOfLabel(String labelId) throws MessagingException {
    Optional<String> folder = folders().folderOf(labelId);
    return folder.isPresent() ? folder : refreshFolders().folderOf(labelId);
  }

  IMAPFolder open(String name, int mode) throws MessagingException {
    IMAPFolder folder = (IMAPFolder) pooled.store.getFolder(name);
    folder.open(mode);
    return folder;
  }

  /**
   * The message an id names: by UID in its folder while the UIDVALIDITY matches, else (moved, or
   * the server renumbered) by its Message-ID in that folder and then in INBOX, Archive, Trash,
   * Spam, Sent and Drafts. MESSAGE_NOT_FOUND when it is in none of them.
   */
  Located locate(MessageRef ref, int mode) throws MessagingException {
    Set<String> candidates = new LinkedHashSet<>();
    candidates.add(ref.folder());
    if (!ref.rfc822Id().isBlank()) {
      ImapFolders folders = folders();
      for (Role role : List.of(Role.INBOX, Role.ARCHIVE, Role.TRASH, Role.SPAM, Role.SENT, Role.DRAFT)) {
        folders.folder(role).ifPresent(candidates::add);
      }
    }
    for (String name : candidates) {
      IMAPFolder folder;
      try {
        folder = open(name, mode);
      } catch (FolderNotFoundException gone) {
        continue;
      } catch (MessagingException refused) {
        if (ImapCalls.isConnectionFailure(refused)) {
          throw refused;
        }
        continue; // a name the server will not open (from an id it never made) names nothing
      }
      Optional<IMAPMessage> found = Optional.empty();
      if (name.equals(ref.folder()) && ref.uid() > 0 && folder.getUIDValidity() == ref.uidValidity()) {
        found = Optional.ofNullable((IMAPMessage) folder.getMessageByUID(ref.uid())).filter(m -> !m.isExpunged());
      }
      if (found.isEmpty() && !ref.rfc822Id().isBlank()) {
        found = withMessageId(folder, ref.rfc822Id()).stream().reduce((first, last) -> last);
      }
      if (found.isPresent()) {
        return new Located(folder, found.get());
      }
      closeQuietly(folder);
    }
    throw ImapIds.notFound();
  }

  /** Appends a message to a folder with these flags; returns the gateway id of the new copy. */
  String append(String folderName, byte[] raw, Flags flags) throws MessagingException {
    MimeMessage message = MimeReader.parse(raw);
    message.setFlags(flags, true);
    String rfc822Id = message.getMessageID() == null ? "" : message.getMessageID();
    IMAPFolder folder = (IMAPFolder) store().getFolder(folderName);
    AppendUID[] uids = folder.appendUIDMessages(new Message[] {message});
    if (uids != null && uids.length == 1 && uids[0] != null) {
      return ImapIds.message(folderName, uids[0].uidvalidity, uids[0].uid, rfc822Id);
    }
    folder.open(Folder.READ_ONLY);
    try {
      List<IMAPMessage> copies = withMessageId(folder, rfc822Id);
      long uid = copies.isEmpty() ? 0 : folder.getUID(copies.get(copies.size() - 1));
      return ImapIds.message(folderName, folder.getUIDValidity(), uid, rfc822Id);
    } finally {
      closeQuietly(folder);
    }
  }

  /** Expunges every copy of a message from a folder; with {@code required}, none is MESSAGE_NOT_FOUND. */
  void deleteCopies(String folderName, String rfc822Id, boolean required) throws MessagingException {
    IMAPFolder folder = open(folderName, Folder.READ_WRITE);
    try {
      List<IMAPMessage> copies = withMessageId(folder, rfc822Id);
      if (copies.isEmpty() && required) {
        throw ImapIds.notFound();
      }
      expunge(folder, copies);
    } finally {
      closeQuietly(folder);
    }
  }

  /** Deletes exactly these messages: UID EXPUNGE where the server has UIDPLUS, else EXPUNGE. */
  void expunge(IMAPFolder folder, List<? extends Message> messages) throws MessagingException {
    if (messages.isEmpty()) {
      return;
    }
    Message[] array = messages.toArray(new Message[0]);
    folder.setFlags(array, new Flags(Flags.Flag.DELETED), true);
    if (store().hasCapability("UIDPLUS")) {
      folder.expunge(array);
    } else {
      folder.expunge();
    }
  }

  /** The messages of an open folder whose Message-ID is exactly this one, oldest (lowest UID) first. */
  static List<IMAPMessage> withMessageId(IMAPFolder folder, String rfc822Id) throws MessagingException {
    Message[] found = folder.search(new HeaderTerm("Message-ID", rfc822Id));
    FetchProfile profile = new FetchProfile();
    profile.add(FetchProfile.Item.ENVELOPE);
    profile.add(UIDFolder.FetchProfileItem.UID);
    folder.fetch(found, profile);
    List<IMAPMessage> matching = new ArrayList<>();
    for (Message message : found) {
      String id = ((IMAPMessage) message).getMessageID();
      if (!message.isExpunged() && id != null && rfc822Id.equals(id.trim())) {
        matching.add((IMAPMessage) message);
      }
    }
    matching.sort(Comparator.comparingLong(m -> uidOf(folder, m)));
    return matching;
  }

  static long uidOf(IMAPFolder folder, Message message) {
    try {
      return folder.getUID(message);
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  static void closeQuietly(Folder folder) {
    try {
      if (folder != null && folder.isOpen()) {
        folder.close(false);
      }
    } catch (MessagingException | RuntimeException ignored) {
      // the connection is gone; nothing left to close
    }
  }

  /** Marks the store broken: it leaves the pool and closes once released. */
  void discard() {
    pool.discard(pooled);
  }

  @Override
  public void close() {
    if (!released) {
      released = true;
      pool.release(pooled);
    }
  }

}
