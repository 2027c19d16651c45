package dev.mailgate.server.provider.gmail;

import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.Draft;
import com.google.api.services.gmail.model.ListDraftsResponse;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePart;
import com.google.api.services.gmail.model.ModifyMessageRequest;
import dev.mailgate.server.mail.AttachmentData;
import dev.mailgate.server.mail.DraftDetail;
import dev.mailgate.server.mail.LabelInfo;
import dev.mailgate.server.mail.MailProvider;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MessageDetail;
import dev.mailgate.server.mail.MessageSummary;
import dev.mailgate.server.mail.MessageView;
import dev.mailgate.server.mail.MimeComposer;
import dev.mailgate.server.mail.SendClaim;
import dev.mailgate.server.mail.MimeReader;
import dev.mailgate.server.mail.OutgoingMessage;
import dev.mailgate.server.store.Page;
import dev.mailgate.server.mail.SentMessage;
import dev.mailgate.server.mail.ThreadDetail;
import io.vertx.core.Future;
import dev.mailgate.server.OutboundTimeouts;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Gmail through google-api-services-gmail. Its root URL is configuration: Google's in
 * production, the project's Gmail sandbox in dev mode and tests; the code path is the same.
 */
public final class GmailProvider implements MailProvider {

  public static final String GOOGLE_ROOT_URL = "https://gmail.googleapis.com/";
  private static final String ME = "me";

  private final GmailCalls calls;

  /**
   * Gmail at {@code rootUrl}, on a pool of {@code workerThreads} with room for {@code queue}
   * waiting calls; every call within {@code timeouts}.
   */
  public GmailProvider(Vertx vertx, String rootUrl, int workerThreads, int queue, OutboundTimeouts timeouts) {
    this.calls = new GmailCalls(vertx, rootUrl, workerThreads, queue, timeouts);
  }

  @Override
  public Future<Page<MessageSummary>> search(MailboxCredential mailbox, String query, List<String> labelIds, int pageSize,
      Optional<String> pageToken) {
    return calls.readThenEach(mailbox, gmail -> {
      var list = gmail.users().messages().list(ME).setMaxResults((long) pageSize);
      if (!query.isBlank()) {
        list.setQ(query);
      }
      if (!labelIds.isEmpty()) {
        list.setLabelIds(labelIds);
      }
      pageToken.ifPresent(list::setPageToken);
      return list.execute();
    }, GmailProvider::summaryReads)
        .map(found -> new Page<>(found.each(), Optional.ofNullable(found.first().getNextPageToken())));
  }

  /** One metadata read per message a listing found. */
  private static List<GmailCalls.Call<MessageSummary>> summaryReads(ListMessagesResponse response) {
    List<Message> found = response.getMessages() == null ? List.of() : response.getMessages();
    return found.stream()
        .<GmailCalls.Call<MessageSummary>>map(m -> gmail -> GmailMessages.summary(metadata(gmail, m.getId()))).toList();
  }

  /** A message's summary as SearchMessages lists it (one metadata read). */
  Future<MessageSummary> metadata(MailboxCredential mailbox, String messageId) {
    return calls.read(mailbox, gmail -> GmailMessages.summary(metadata(gmail, messageId)));
  }

  private static Message metadata(Gmail gmail, String messageId) throws IOException {
    return gmail.users().messages().get(ME, GmailIds.checked(messageId)).setFormat("metadata")
        .setMetadataHeaders(GmailMessages.SUMMARY_HEADERS).execute();
  }

  @Override
  public Future<MessageDetail> getMessage(MailboxCredential mailbox, String messageId, MessageView view) {
    String format = switch (view) {
      case METADATA -> "metadata";
      case FULL -> "full";
      case RAW -> "raw";
    };
    return calls.read(mailbox, gmail -> {
      var get = gmail.users().messages().get(ME, GmailIds.checked(messageId)).setFormat(format);
      if (view == MessageView.METADATA) {
        get.setMetadataHeaders(GmailMessages.SUMMARY_HEADERS);
      }
      Message message = get.execute();
      if (view == MessageView.RAW) {
        // The raw format has no labels or headers; one metadata read completes the summary.
        Message meta = gmail.users().messages().get(ME, GmailIds.checked(messageId)).setFormat("metadata")
            .setMetadataHeaders(GmailMessages.SUMMARY_HEADERS).execute();
        meta.setRaw(message.getRaw());
        return meta;
      }
      return message;
    }).map(message -> GmailMessages.detail(message, view));
  }

  @Override
  public Future<AttachmentData> getAttachment(MailboxCredential mailbox, String messageId, String attachmentId) {
    return calls.read(mailbox, gmail -> {
      Message message = gmail.users().messages().get(ME, GmailIds.checked(messageId)).setFormat("full").execute();
      MessagePart part = GmailMessages.partWithAttachment(message.getPayload(), attachmentId)
          .orElseThrow(() -> new dev.mailgate.server.error.GatewayException(
              dev.mailgate.server.error.Reason.MESSAGE_NOT_FOUND, "the attachment was not found"));
      byte[] data = gmail.users().messages().attachments().get(ME, GmailIds.checked(messageId), GmailIds.checked(attachmentId)).execute().decodeData();
      return new AttachmentData(attachmentId, part.getFilename(), part.getMimeType(), data);
    });
  }

  @Override
  public Future<ThreadDetail> getThread(MailboxCredential mailbox, String threadId) {
    return calls.read(mailbox, gmail -> gmail.users().threads().get(ME, GmailIds.checked(threadId)).setFormat("full").execute())
        .map(thread -> new ThreadDetail(thread.getId(), thread.getMessages() == null ? List.of()
            : thread.getMessages().stream().map(m -> GmailMessages.detail(m, MessageView.FULL)).toList()));
  }

  @Override
  public Future<SentMessage> send(MailboxCredential mailbox, OutgoingMessage message, String messageIdHeader, SendClaim claim) {
    // MIME and its base64 are built on the Gmail worker that sends, not on an event loop.
    return original(mailbox, message).compose(replyTo -> calls.writeOnce(mailbox, gmail -> {
      Message composed = compose(mailbox, message, messageIdHeader, replyTo);
      claim.checkSendable();
      return gmail.users().messages().send(ME, composed).execute();
    })).map(sent -> new SentMessage(sent.getId(), sent.getThreadId()));
  }

  @Override
  public Future<Optional<SentMessage>> findSent(MailboxCredential mailbox, String messageIdHeader, SendClaim claim) {
    return calls.read(mailbox, gmail -> gmail.users().messages().list(ME)
            .setQ("in:sent rfc822msgid:" + messageIdHeader).setMaxResults(1L).execute())
        .map(response -> response.getMessages() == null || response.getMessages().isEmpty() ? Optional.empty()
            : Optional.of(new SentMessage(response.getMessages().get(0).getId(), response.getMessages().get(0).getThreadId())));
  }

  @Override
  public Future<DraftDetail> createDraft(MailboxCredential mailbox, OutgoingMessage message) {
    String messageIdHeader = newMessageId();
    return original(mailbox, message).compose(replyTo -> calls.writeOnce(mailbox, gmail ->
            gmail.users().drafts().create(ME, new Draft().setMessage(compose(mailbox, message, messageIdHeader, replyTo)))
                .execute()))
        .compose(draft -> getDraft(mailbox, draft.getId()));
  }

  @Override
  public Future<DraftDetail> getDraft(MailboxCredential mailbox, String draftId) {
    return calls.read(mailbox, gmail -> gmail.users().drafts().get(ME, GmailIds.checked(draftId)).setFormat("raw").execute())
        .map(GmailProvider::toDraft);
  }

  @Override
  public Future<Page<DraftDetail>> listDrafts(MailboxCredential mailbox, int pageSize, Optional<String> pageToken) {
    return calls.read(mailbox, gmail -> {
      var list = gmail.users().drafts().list(ME).setMaxResults((long) pageSize);
      pageToken.ifPresent(list::setPageToken);
      return list.execute();
    }).compose(response -> {
      List<Draft> drafts = response.getDrafts() == null ? List.of() : response.getDrafts();
      List<Future<DraftDetail>> details = drafts.stream().map(d -> getDraft(mailbox, d.getId())).toList();
      return Future.all(details).map(all -> new Page<>(details.stream().map(Future::result).toList(),
          Optional.ofNullable(response.getNextPageToken())));
    });
  }

  @Override
  public Future<DraftDetail> updateDraft(MailboxCredential mailbox, String draftId, OutgoingMessage message) {
    String messageIdHeader = newMessageId();
    return original(mailbox, message).compose(replyTo -> calls.writeOnce(mailbox, gmail ->
            gmail.users().drafts().update(ME, GmailIds.checked(draftId), new Draft().setId(draftId)
                .setMessage(compose(mailbox, message, messageIdHeader, replyTo))).execute()))
        .compose(draft -> getDraft(mailbox, draftId));
  }

  @Override
  public Future<Void> deleteDraft(MailboxCredential mailbox, String draftId) {
    return calls.read(mailbox, gmail -> gmail.users().drafts().delete(ME, GmailIds.checked(draftId)).execute()).mapEmpty();
  }

  @Override
  public Future<SentMessage> sendDraft(MailboxCredential mailbox, String draftId, SendClaim claim) {
    return calls.writeOnce(mailbox, gmail -> {
      claim.checkSendable();
      return gmail.users().drafts().send(ME, new Draft().setId(draftId)).execute();
    })
        .map(sent -> new SentMessage(sent.getId(), sent.getThreadId()));
  }

  @Override
  public Future<List<LabelInfo>> listLabels(MailboxCredential mailbox) {
    return calls.read(mailbox, gmail -> gmail.users().labels().list(ME).execute()).compose(response -> {
      List<Future<LabelInfo>> labels = (response.getLabels() == null ? List.<com.google.api.services.gmail.model.Label>of()
          : response.getLabels()).stream()
          .map(label -> calls.read(mailbox, gmail -> gmail.users().labels().get(ME, label.getId()).execute())
              .map(full -> new LabelInfo(full.getId(), full.getName(), "system".equalsIgnoreCase(full.getType()),
                  full.getMessagesUnread() == null ? 0 : full.getMessagesUnread(),
                  full.getMessagesTotal() == null ? 0 : full.getMessagesTotal())))
          .toList();
      return Future.all(labels).map(all -> labels.stream().map(Future::result).toList());
    });
  }

  @Override
  public Future<MessageSummary> modify(MailboxCredential mailbox, String messageId, List<String> addLabelIds,
      List<String> removeLabelIds) {
    return calls.read(mailbox, gmail -> gmail.users().messages().modify(ME, GmailIds.checked(messageId),
            new ModifyMessageRequest().setAddLabelIds(addLabelIds).setRemoveLabelIds(removeLabelIds)).execute())
        .compose(modified -> metadata(mailbox, messageId));
  }

  @Override
  public Future<MessageSummary> trash(MailboxCredential mailbox, String messageId) {
    return calls.read(mailbox, gmail -> gmail.users().messages().trash(ME, GmailIds.checked(messageId)).execute())
        .compose(trashed -> metadata(mailbox, messageId));
  }

  @Override
  public Future<MessageSummary> untrash(MailboxCredential mailbox, String messageId) {
    return calls.read(mailbox, gmail -> gmail.users().messages().untrash(ME, GmailIds.checked(messageId)).execute())
        .compose(restored -> metadata(mailbox, messageId));
  }

  /** The message replied to, if any (its headers thread the reply). */
  private Future<Optional<Message>> original(MailboxCredential mailbox, OutgoingMessage message) {
    return message.replyToMessageId().isBlank()
        ? Future.succeededFuture(Optional.empty())
        : calls.read(mailbox, gmail -> Optional.of(gmail.users().messages().get(ME, GmailIds.checked(message.replyToMessageId()))
            .setFormat("metadata").setMetadataHeaders(GmailMessages.SUMMARY_HEADERS).execute()));
  }

  /** The Gmail message to send: MIME built here, threaded to the replied-to message. CPU-heavy: call it on a worker. */
  private static Message compose(MailboxCredential mailbox, OutgoingMessage message, String messageIdHeader,
      Optional<Message> replyTo) {
    MimeComposer.ReplyContext reply = replyTo.map(m -> {
      var headers = m.getPayload().getHeaders();
      return new MimeComposer.ReplyContext(GmailMessages.header(headers, "Message-ID").orElse(""),
          GmailMessages.header(headers, "References").orElse(""), GmailMessages.header(headers, "Subject").orElse(""));
    }).orElse(null);
    byte[] raw = MimeComposer.compose(mailbox.emailAddress(), message, messageIdHeader, reply);
    Message gmailMessage = new Message().encodeRaw(raw);
    replyTo.ifPresent(m -> gmailMessage.setThreadId(m.getThreadId()));
    return gmailMessage;
  }

  private static DraftDetail toDraft(Draft draft) {
    Message message = draft.getMessage();
    Instant updated = message.getInternalDate() == null ? Instant.now() : Instant.ofEpochMilli(message.getInternalDate());
    byte[] raw = message.decodeRaw();
    return new DraftDetail(draft.getId(), MimeReader.toOutgoing(raw), message.getId(),
        message.getThreadId() == null ? "" : message.getThreadId(), updated, MimeReader.messageIdOf(raw));
  }

  static String newMessageId() {
    return "<" + UUID.randomUUID() + "@mailgate>";
  }

  /** The blocking Gmail calls, for the change feed and push channel of this provider. */
  GmailCalls calls() {
    return calls;
  }

  public Future<Void> close() {
    return calls.close();
  }
}
