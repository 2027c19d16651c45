package dev.mailgate.server.provider.imap;

import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.mail.LabelInfo;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.provider.imap.ImapConnection.Located;
import dev.mailgate.server.provider.imap.ImapFolders.Role;
import dev.mailgate.server.provider.imap.ImapIds.MessageRef;
import io.vertx.core.Future;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.Status;

/**
 * Labels on an IMAP mailbox: UNREAD and STARRED are the {@code \Seen} (inverted) and
 * {@code \Flagged} flags; every other label is a folder. Adding a folder label copies the message
 * there (TRASH and SPAM move it); removing the label of the folder it is in moves it to Archive
 * (created if missing; out of Archive it moves to INBOX), or to the folder added in the same call;
 * removing another folder's label deletes the copy there. A message in Archive that gets a folder
 * label moves there. The summary answered is the message at its new place, with the labels of the
 * copies just made.
 */
final class ImapLabeling {

  private final ImapCalls calls;

  ImapLabeling(ImapCalls calls) {
    this.calls = calls;
  }

  Future<List<LabelInfo>> listLabels(MailboxCredential mailbox) {
    return calls.imap(mailbox, c -> {
      ImapFolders folders = c.refreshFolders();
      List<LabelInfo> labels = new ArrayList<>();
      for (String name : folders.selectable()) {
        IMAPFolder folder = (IMAPFolder) c.store().getFolder(name);
        Status status = null;
        try {
          status = (Status) folder.doCommand(p -> p.status(name, new String[] {"MESSAGES", "UNSEEN"}));
        } catch (MessagingException unreadable) {
          if (ImapCalls.isConnectionFailure(unreadable)) {
            throw unreadable;
          }
        }
        boolean system = folders.roleOf(name).map(role -> role.labelId != null).orElse(false);
        labels.add(new LabelInfo(folders.labelOf(name), name, system, status == null ? 0 : Math.max(status.unseen, 0),
            status == null ? 0 : Math.max(status.total, 0)));
      }
      labels.sort(Comparator.comparing((LabelInfo l) -> !l.system()).thenComparing(l -> systemOrder(l.labelId()))
          .thenComparing(LabelInfo::labelId));
      return labels;
    });
  }

  Future<MessageSummary> modify(MailboxCredential mailbox, String messageId, List<String> addLabelIds,
      List<String> removeLabelIds) {
    MessageRef ref = ImapIds.parseMessage(messageId);
    return calls.imap(mailbox, c -> {
      List<String> adds = folders(c, addLabelIds, "add_label_ids");
      List<String> removes = folders(c, removeLabelIds, "remove_label_ids");
      try (Located located = c.locate(ref, Folder.READ_WRITE)) {
        setFlags(located, addLabelIds, true);
        setFlags(located, removeLabelIds, false);
        String current = located.folder().getFullName();
        adds.remove(current);
        Optional<String> archive = c.folders().folder(Role.ARCHIVE);
        Optional<String> moveTo = adds.stream().filter(f -> isRole(c, f, Role.TRASH) || isRole(c, f, Role.SPAM))
            .findFirst();
        if (moveTo.isEmpty() && (removes.contains(current) || archive.filter(current::equals).isPresent())
            && !adds.isEmpty()) {
          moveTo = Optional.of(adds.get(0));
        }
        if (moveTo.isEmpty() && removes.contains(current)) {
          moveTo = Optional.of(isRole(c, current, Role.ARCHIVE) ? "INBOX" : c.folder(Role.ARCHIVE));
        }
        moveTo.ifPresent(adds::remove);
        List<String> copiedLabels = new ArrayList<>();
        for (String folder : adds) {
          copy(c, located, folder);
          copiedLabels.add(c.folders().labelOf(folder));
        }
        String rfc822Id = ImapMessages.rfc822Id(located.message());
        for (String folder : removes) {
          if (!folder.equals(current) && !rfc822Id.isEmpty()) {
            c.deleteCopies(folder, rfc822Id, false);
          }
        }
        MessageSummary summary = moveTo.isPresent()
            ? summaryAt(c, move(c, located, moveTo.get())) : summaryOf(c, located);
        return withLabels(summary, copiedLabels);
      }
    });
  }

  Future<MessageSummary> trash(MailboxCredential mailbox, String messageId) {
    return moveBetween(mailbox, messageId, Role.TRASH, true);
  }

  Future<MessageSummary> untrash(MailboxCredential mailbox, String messageId) {
    return moveBetween(mailbox, messageId, Role.TRASH, false);
  }

  /** Into the role's folder ({@code into}), or out of it back to INBOX; already there (or not in it) is a no-op. */
  private Future<MessageSummary> moveBetween(MailboxCredential mailbox, String messageId, Role role, boolean into) {
    MessageRef ref = ImapIds.parseMessage(messageId);
    return calls.imap(mailbox, c -> {
      String roleFolder = c.folder(role);
      try (Located located = c.locate(ref, Folder.READ_WRITE)) {
        boolean inRoleFolder = located.folder().getFullName().equals(roleFolder);
        if (into == inRoleFolder) {
          return summaryOf(c, located);
        }
        return summaryAt(c, move(c, located, into ? roleFolder : "INBOX"));
      }
    });
  }

  /** The folders named by label ids (flag labels left out); unknown, SENT and DRAFT labels are INVALID_ARGUMENT. */
  private static List<String> folders(ImapConnection c, List<String> labelIds, String field) throws MessagingException {
    Set<String> folders = new LinkedHashSet<>();
    for (String label : labelIds) {
      if (label.equals("UNREAD") || label.equals("STARRED")) {
        continue;
      }
      if (field.equals("add_label_ids") && (label.equals("SENT") || label.equals("DRAFT"))) {
        throw GatewayException.invalid(List.of(new FieldViolation(field, label + " cannot be added to a message")));
      }
      folders.add(c.folderOfLabel(label).orElseThrow(() -> GatewayException.invalid(List.of(
          new FieldViolation(field, "unknown label " + label)))));
    }
    return new ArrayList<>(folders);
  }

  private static void setFlags(Located located, List<String> labelIds, boolean add) throws MessagingException {
    if (labelIds.contains("UNREAD")) {
      located.message().setFlag(Flags.Flag.SEEN, !add);
    }
    if (labelIds.contains("STARRED")) {
      located.message().setFlag(Flags.Flag.FLAGGED, add);
    }
  }

  private static boolean isRole(ImapConnection c, String folder, Role role) {
    try {
      return c.folders().folder(role).filter(folder::equals).isPresent();
    } catch (MessagingException e) {
      return false;
    }
  }

  /** Copies the message to a folder that holds no copy yet. */
  private static void copy(ImapConnection c, Located located, String folderName) throws MessagingException {
    String rfc822Id = ImapMessages.rfc822Id(located.message());
    if (!rfc822Id.isEmpty()) {
      IMAPFolder target = c.open(folderName, Folder.READ_ONLY);
      try {
        if (!ImapConnection.withMessageId(target, rfc822Id).isEmpty()) {
          return;
        }
      } finally {
        ImapConnection.closeQuietly(target);
      }
    }
    located.folder().copyMessages(new Message[] {located.message()}, c.store().getFolder(folderName));
  }

  /** Moves the message (MOVE, or COPY and expunge); returns where it is now. */
  static MessageRef move(ImapConnection c, Located located, String folderName) throws MessagingException {
    Message[] message = {located.message()};
    String rfc822Id = ImapMessages.rfc822Id(located.message());
    Folder target = c.store().getFolder(folderName);
    AppendUID[] uids;
    if (c.store().hasCapability("MOVE")) {
      uids = located.folder().moveUIDMessages(message, target);
    } else {
      uids = located.folder().copyUIDMessages(message, target);
      c.expunge(located.folder(), List.of(message));
    }
    if (uids != null && uids.length == 1 && uids[0] != null) {
      return new MessageRef(folderName, uids[0].uidvalidity, uids[0].uid, rfc822Id);
    }
    return new MessageRef(folderName, -1, 0, rfc822Id);
  }

  private static MessageSummary summaryAt(ImapConnection c, MessageRef ref) throws MessagingException {
    try (Located located = c.locate(ref, Folder.READ_ONLY)) {
      return summaryOf(c, located);
    }
  }

  static MessageSummary summaryOf(ImapConnection c, Located located) throws MessagingException {
    ImapMessages.prefetch(located.folder(), new Message[] {located.message()});
    return ImapMessages.summary(c.folders(), located.folder(), located.message(), true);
  }

  private static MessageSummary withLabels(MessageSummary summary, List<String> extra) {
    if (extra.isEmpty()) {
      return summary;
    }
    Set<String> labels = new LinkedHashSet<>(summary.labelIds());
    labels.addAll(extra);
    return new MessageSummary(summary.messageId(), summary.threadId(), summary.from(), summary.to(), summary.subject(),
        summary.snippet(), List.copyOf(labels), summary.receiveTime(), summary.hasAttachments());
  }

  private static int systemOrder(String labelId) {
    List<String> order = List.of("INBOX", "SENT", "DRAFT", "TRASH", "SPAM");
    int index = order.indexOf(labelId);
    return index < 0 ? order.size() : index;
  }
}
