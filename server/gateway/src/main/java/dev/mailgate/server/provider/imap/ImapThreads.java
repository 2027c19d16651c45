package dev.mailgate.server.provider.imap;

import dev.mailgate.server.mail.MessageDetail;
import dev.mailgate.server.mail.MessageView;
import dev.mailgate.server.provider.imap.ImapFolders.Role;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.search.HeaderTerm;
import jakarta.mail.search.OrTerm;
import jakarta.mail.search.SearchTerm;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;

/**
 * Conversations rebuilt from headers (IMAP has no server-side threads): the messages in INBOX,
 * Archive and Sent whose Message-ID is the root, or whose In-Reply-To or References name it; one
 * copy per Message-ID, oldest first (by arrival, then by depth in References).
 */
final class ImapThreads {

  private record Member(MessageDetail detail, int depth) {}

  private final int limit;

  ImapThreads(int limit) {
    this.limit = limit;
  }

  List<MessageDetail> messages(ImapConnection c, String root) throws MessagingException, IOException {
    ImapFolders folders = c.folders();
    Set<String> names = new LinkedHashSet<>();
    for (Role role : List.of(Role.INBOX, Role.ARCHIVE, Role.SENT)) {
      folders.folder(role).ifPresent(names::add);
    }
    SearchTerm term = new OrTerm(new SearchTerm[] {new HeaderTerm("Message-ID", root),
        new HeaderTerm("In-Reply-To", root), new HeaderTerm("References", root)});
    Set<String> seen = new HashSet<>();
    List<Member> members = new ArrayList<>();
    for (String name : names) {
      IMAPFolder folder = c.open(name, Folder.READ_ONLY);
      try {
        Message[] found = folder.search(term);
        ImapMessages.prefetch(folder, found);
        for (Message candidate : found) {
          IMAPMessage message = (IMAPMessage) candidate;
          String rfc822Id = ImapMessages.rfc822Id(message);
          List<String> references = ImapMessages.MessageIdList.parse(ImapMessages.header(message, "References"));
          List<String> inReplyTo = ImapMessages.MessageIdList.parse(
              message.getInReplyTo() == null ? "" : message.getInReplyTo());
          boolean member = rfc822Id.equals(root) || references.contains(root) || inReplyTo.contains(root);
          if (!member || message.isExpunged() || (!rfc822Id.isEmpty() && !seen.add(rfc822Id))
              || members.size() >= limit) {
            continue;
          }
          int depth = rfc822Id.equals(root) ? 0 : Math.max(references.size(), 1);
          members.add(new Member(ImapMessages.detail(folders, folder, message, MessageView.FULL), depth));
        }
      } finally {
        ImapConnection.closeQuietly(folder);
      }
    }
    if (members.isEmpty()) {
      throw ImapIds.notFound();
    }
    members.sort(Comparator.comparing((Member m) -> m.detail().summary().receiveTime()).thenComparingInt(Member::depth));
    return members.stream().map(Member::detail).toList();
  }
}
