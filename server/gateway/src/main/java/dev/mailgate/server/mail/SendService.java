package dev.mailgate.server.mail;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.BlockingPool;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.SendLog;
import dev.mailgate.server.store.SendRequestStore;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The send feature: SendMessage and SendDraft, each idempotent by its {@code request_id}. A send is
 * keyed by (user, request_id) and identified by its payload hash, SHA-256 over
 * {@code connection id | kind | payload} (the message's canonical bytes, or the draft id): a retry
 * with the same key and payload gets the first call's answer without sending again, the same key
 * with another payload is IDEMPOTENCY_KEY_REUSED. Claims, fencing, takeovers and the audit log are
 * {@link IdempotentSend}'s.
 */
public final class SendService {

  /** A message to send, and its canonical bytes: what the payload hash covers. */
  public record Payload(OutgoingMessage message, byte[] canonicalBytes) {}

  /** The worker pool (shared by name) that builds MIME, base64 and hashes of large sends off the event loops. */
  public static final String MIME_POOL = "mailgate-mime";
  public static final int MIME_THREADS = 4;
  /** Sends that may wait for the MIME pool; more are refused with GATEWAY_OVERLOADED. */
  public static final int MIME_QUEUE = 64;

  private final MailboxAccess access;
  private final IdempotentSend once;
  private final BlockingPool mime;

  public SendService(Vertx vertx, MailboxAccess access, SendRequestStore requests, SendLog sendLog, SendPolicy policy) {
    this.access = access;
    this.once = new IdempotentSend(vertx, access, requests, sendLog, policy);
    this.mime = new BlockingPool(vertx, MIME_POOL, MIME_THREADS, MIME_QUEUE);
  }

  /** The Message-ID a send carries, derived from the key so that a lost outcome can be found again. */
  public static String messageIdHeader(String tenantId, String userId, String requestId) {
    byte[] digest = sha256(tenantId + "\n" + userId + "\n" + requestId);
    return "<" + HexFormat.of().formatHex(digest, 0, 16) + ".mailgate@mailgate.invalid>";
  }

  public static byte[] sha256(String text) {
    return digest().digest(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends a message once per (user, request_id) from the user's connection. {@code prepare} makes
   * the message (up to 36 MiB): it runs on the bounded MIME pool with the payload hash, never on
   * an event loop.
   */
  public Future<SentMessage> sendMessage(Tenant tenant, String userId, String connectionId, String requestId,
      Callable<Payload> prepare) {
    return access.owned(tenant, userId, connectionId).compose(connection ->
        mime.run(() -> {
          Payload payload = prepare.call();
          return new Hashed(payload.message(), payloadHash(connection, "message", payload.canonicalBytes()));
        }).compose(prepared -> once.sendOnce(tenant, userId, connection, requestId, prepared.hash(),
            messageIdHeader(tenant.id(), userId, requestId), audit(prepared.message()),
            (provider, mailbox, messageId, claim) -> provider.send(mailbox, prepared.message(), messageId, claim))));
  }

  private record Hashed(OutgoingMessage message, byte[] hash) {}

  /**
   * Sends a draft once per (user, request_id). The draft carries its own Message-ID. A draft that
   * is gone may have been sent by an earlier call with this key: then that call's record answers
   * (none: MESSAGE_NOT_FOUND); any other failure to read the draft is the answer.
   */
  public Future<SentMessage> sendDraft(Tenant tenant, String userId, String connectionId, String draftId,
      String requestId) {
    IdempotentSend.Sending sending = (provider, mailbox, messageId, claim) -> provider.sendDraft(mailbox, draftId, claim);
    return access.owned(tenant, userId, connectionId).compose(connection -> {
      byte[] payload = payloadHash(connection, "draft", draftId.getBytes(StandardCharsets.UTF_8));
      return access.run(tenant, connection, (provider, mailbox) -> provider.getDraft(mailbox, draftId))
          .map(Optional::of)
          .recover(failure -> failure instanceof GatewayException e && e.reason() == Reason.MESSAGE_NOT_FOUND
              ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(failure))
          .compose(draft -> draft.isEmpty()
              ? once.answerFromRecord(tenant, userId, connection, requestId, payload, sending)
              : once.sendOnce(tenant, userId, connection, requestId, payload, draft.get().rfc822MessageId(),
                  audit(draft.get().content()), sending));
    });
  }

  private static IdempotentSend.Audit audit(OutgoingMessage message) {
    return new IdempotentSend.Audit(message.recipients().stream().map(MailAddress::address).toList(), message.subject());
  }

  /** What identifies a send's payload: SHA-256 over {@code connection id | kind | payload}. */
  static byte[] payloadHash(ConnectionRecord connection, String kind, byte[] payload) {
    MessageDigest digest = digest();
    digest.update((connection.id() + "|" + kind + "|").getBytes(StandardCharsets.UTF_8));
    return digest.digest(payload);
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
