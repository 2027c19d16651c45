package dev.mailgate.server.provider.outlook;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.MimeComposer;
import dev.mailgate.server.mail.OutgoingMessage;
import dev.mailgate.server.mail.SendClaim;
import dev.mailgate.server.mail.SentMessage;
import dev.mailgate.server.provider.outlook.GraphClient.Call;
import io.vertx.core.Future;
import dev.mailgate.server.BlockingPool;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Sending through Graph so that the sent message's id is known without searching. Graph's
 * {@code sendMail} answers 202 and files the copy in Sent Items later, so a lookup right after
 * it misses. Instead the message is created as a draft from the gateway's MIME (its Message-ID
 * kept) with an immutable id, the id is recorded with the send's claim, and the draft is sent:
 * Graph files that same item in Sent Items under the same id. A retry after a crash reads the
 * recorded id: a message that is no longer a draft was sent; a draft was not, and is sent now;
 * an id that answers 404 was accepted and is not filed yet (or the draft was deleted): in flight
 * until the earlier attempt's deadline plus the filing window, then treated as never sent.
 */
final class GraphSending {

  private static final Duration FILING_RETRY = Duration.ofSeconds(1);

  private final GraphClient graph;
  private final BlockingPool mime;

  GraphSending(GraphClient graph, BlockingPool mime) {
    this.graph = graph;
    this.mime = mime;
  }

  Future<SentMessage> send(MailboxCredential mailbox, OutgoingMessage message, String messageIdHeader, SendClaim claim) {
    if (claim.preparedId().isPresent()) {
      return sendPrepared(mailbox, claim.preparedId().get(), Optional.empty(), claim);
    }
    Future<MimeComposer.ReplyContext> reply = message.replyToMessageId().isBlank() ? Future.succeededFuture(null)
        : graph.json(mailbox, Call.get(GraphPaths.message(message.replyToMessageId()),
                Map.of("$select", "internetMessageId,subject,internetMessageHeaders")))
            .map(original -> new MimeComposer.ReplyContext(original.getString("internetMessageId", ""),
                GraphMessages.header(original, "References"), original.getString("subject", "")));
    return reply
        .compose(context -> mime.run(() -> Buffer.buffer(Base64.getEncoder().encodeToString(
            MimeComposer.compose(mailbox.emailAddress(), message, messageIdHeader, context)))))
        .compose(body -> graph.json(mailbox, new Call(HttpMethod.POST, "/v1.0/me/messages", Map.of(),
            Map.of("Content-Type", "text/plain"), body)))
        .compose(draft -> claim.prepared(draft.getString("id")).compose(recorded ->
            sendPrepared(mailbox, draft.getString("id"), Optional.of(draft.getString("conversationId", "")), claim)));
  }

  /** Sends a draft the caller made (SendDraft): its id is recorded with the claim first, as for {@link #send}. */
  Future<SentMessage> sendDraft(MailboxCredential mailbox, String draftId, SendClaim claim) {
    return claim.prepared(draftId).compose(recorded -> sendPrepared(mailbox, draftId, Optional.empty(), claim));
  }

  private Future<SentMessage> sendPrepared(MailboxCredential mailbox, String draftId, Optional<String> knownConversation,
      SendClaim claim) {
    Future<String> conversation = knownConversation.map(Future::succeededFuture).orElseGet(() ->
        graph.json(mailbox, Call.get(GraphPaths.message(draftId), Map.of("$select", "id,conversationId,isDraft")))
            .map(draft -> {
              if (!draft.getBoolean("isDraft", false)) {
                throw new GatewayException(Reason.MESSAGE_NOT_FOUND, "the draft was not found");
              }
              return draft.getString("conversationId", "");
            }));
    return conversation.compose(threadId -> graph.sendOnce(mailbox, new Call(HttpMethod.POST,
                GraphPaths.message(draftId) + "/send", Map.of(), Map.of(), null), claim::checkSendable)
            .map(accepted -> new SentMessage(draftId, threadId)))
        // The recorded draft is no longer one: an earlier attempt's send of it got there first.
        .recover(failure -> isNotFound(failure) ? Future.failedFuture(inFlight()) : Future.failedFuture(failure));
  }

  /** Whether the send recorded with {@code claim} went out; see the class comment. */
  Future<Optional<SentMessage>> findSent(MailboxCredential mailbox, String messageIdHeader, SendClaim claim) {
    if (claim.preparedId().isEmpty()) {
      return bySentItems(mailbox, messageIdHeader).compose(sent -> sent.isPresent() ? Future.succeededFuture(sent)
          : reuseOrphanDraft(mailbox, messageIdHeader, claim).map(Optional.<SentMessage>empty()));
    }
    String id = claim.preparedId().get();
    return graph.json(mailbox, Call.get(GraphPaths.message(id), Map.of("$select", "id,conversationId,isDraft")))
        .map(message -> message.getBoolean("isDraft", false) ? Optional.<SentMessage>empty()
            : Optional.of(new SentMessage(id, message.getString("conversationId", ""))))
        .recover(failure -> {
          if (!isNotFound(failure)) {
            return Future.failedFuture(failure);
          }
          Instant filedBy = claim.earlierSendFiledBy().orElse(Instant.MAX);
          if (Instant.now().isBefore(filedBy)) {
            return Future.failedFuture(inFlight());
          }
          claim.discardPrepared();
          return Future.succeededFuture(Optional.empty());
        });
  }

  /** A send from before drafts were recorded (sendMail): its copy in Sent Items by Message-ID. */
  private Future<Optional<SentMessage>> bySentItems(MailboxCredential mailbox, String messageIdHeader) {
    return byMessageId(mailbox, "sentitems", messageIdHeader)
        .map(found -> found.map(m -> new SentMessage(m.getString("id"), m.getString("conversationId", ""))));
  }

  /** A draft an attempt created and crashed before recording: recorded now and sent, not created twice. */
  private Future<Void> reuseOrphanDraft(MailboxCredential mailbox, String messageIdHeader, SendClaim claim) {
    return byMessageId(mailbox, "drafts", messageIdHeader).compose(found -> found
        .map(draft -> claim.prepared(draft.getString("id"))).orElseGet(Future::succeededFuture));
  }

  private Future<Optional<JsonObject>> byMessageId(MailboxCredential mailbox, String folder, String messageIdHeader) {
    return graph.json(mailbox, Call.get("/v1.0/me/mailFolders/" + folder + "/messages", Map.of(
            "$filter", "internetMessageId eq '" + messageIdHeader.replace("'", "''") + "'",
            "$select", "id,conversationId", "$top", "1")))
        .map(page -> page.getJsonArray("value", new JsonArray()).stream().findFirst().map(m -> (JsonObject) m));
  }

  private static boolean isNotFound(Throwable failure) {
    return failure instanceof GatewayException e && e.reason() == Reason.MESSAGE_NOT_FOUND;
  }

  private static GatewayException inFlight() {
    return GatewayException.retryable(Reason.SEND_IN_PROGRESS,
        "Microsoft Graph accepted this send and has not filed it in Sent Items yet; retry with the same request_id",
        FILING_RETRY, null);
  }
}
