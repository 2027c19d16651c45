package dev.mailgate.server.provider.imap;

import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.mail.MimeReader;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.search.SearchTerm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;

/**
 * One page of a folder, newest first. "Newest" is the highest UID (the order messages arrived
 * in the folder, which is also sequence-number order), not the Date header. The page token is
 * the folder's UIDVALIDITY and the last UID returned, so pages stay stable while mail arrives.
 * Summary data for the page is fetched in one FETCH.
 */
final class ImapListing {

  static final int DEFAULT_PAGE_SIZE = 50;
  static final int MAX_PAGE_SIZE = 500;
  /** How many candidates to check at once when has:attachment filters them by BODYSTRUCTURE. */
  private static final int FILTER_CHUNK = 100;

  /** The messages of one page, and the token of the next page if there is one. */
  record Slice(List<IMAPMessage> messages, Optional<String> nextPageToken) {}

  private ImapListing() {}

  static Slice page(IMAPFolder folder, Optional<SearchTerm> term, boolean hasAttachment, int pageSize,
      Optional<String> pageToken) throws MessagingException {
    int size = pageSize <= 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
    long validity = folder.getUIDValidity();
    Message[] candidates = term.isPresent() ? folder.search(term.get()) : folder.getMessages();
    Arrays.sort(candidates, Comparator.comparingInt(Message::getMessageNumber).reversed());
    int start = 0;
    if (pageToken.isPresent() && !pageToken.get().isEmpty()) {
      ImapIds.PageToken token = ImapIds.parsePageToken(pageToken.get());
      if (token.uidValidity() != validity) {
        throw GatewayException.invalid(List.of(new FieldViolation("page_token",
            "the folder was renumbered since this token was issued; search again")));
      }
      start = firstBelow(folder, candidates, token.lastUid());
    }
    List<IMAPMessage> picked = new ArrayList<>();
    int chunk = hasAttachment ? Math.max(FILTER_CHUNK, size + 1) : size + 1;
    for (int i = start; i < candidates.length && picked.size() <= size; i += chunk) {
      Message[] window = Arrays.copyOfRange(candidates, i, Math.min(candidates.length, i + chunk));
      ImapMessages.prefetch(folder, window);
      for (Message message : window) {
        if (picked.size() > size) {
          break;
        }
        if (!message.isExpunged() && (!hasAttachment || hasAttachments(message))) {
          picked.add((IMAPMessage) message);
        }
      }
    }
    if (picked.size() <= size) {
      return new Slice(picked, Optional.empty());
    }
    List<IMAPMessage> page = picked.subList(0, size);
    long lastUid = folder.getUID(page.get(size - 1));
    return new Slice(List.copyOf(page), Optional.of(ImapIds.pageToken(validity, lastUid)));
  }

  private static boolean hasAttachments(Message message) {
    return !MimeReader.structure(message, false).attachments().isEmpty();
  }

  /** The index of the first candidate (newest first) whose UID is below {@code uid}: a binary search. */
  private static int firstBelow(IMAPFolder folder, Message[] newestFirst, long uid) throws MessagingException {
    int low = 0;
    int high = newestFirst.length;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (folder.getUID(newestFirst[middle]) < uid) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return low;
  }
}
