package dev.mailgate.server.mail;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.SendLog;
import dev.mailgate.server.store.SendRequestStore;
import dev.mailgate.server.store.SendRequestStore.SendRequest;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Idempotent sending. The first call with a {@code request_id} claims it and sends; a retry with
 * the same key and payload returns the first result without sending; the same key with another
 * payload is IDEMPOTENCY_KEY_REUSED; concurrent calls with one key send once (the others wait for
 * the outcome). A send whose outcome is unknown (the provider failed after it may have sent) is
 * never repeated blindly: it is looked up by its Message-ID first. Every outcome goes to the audit log.
 */
public final class SendService {

  /** What is sent for one claim: a message, or a draft. */
  @FunctionalInterface
  public interface Sending {
    Future<SentMessage> send(MailProvider provider, Mailbox mailbox, String messageIdHeader);
  }

  /** What the audit log records about a send (never its body). */
  public record Audit(List<String> recipients, String subject) {}

  private static final Duration WAIT_STEP = Duration.ofMillis(200);
  private static final int WAIT_STEPS = 100;
  private static final Duration STALE = Duration.ofMinutes(2);

  private final Vertx vertx;
  private final MailRouter router;
  private final SendRequestStore requests;
  private final SendLog log;

  public SendService(Vertx vertx, MailRouter router, SendRequestStore requests, SendLog log) {
    this.vertx = vertx;
    this.router = router;
    this.requests = requests;
    this.log = log;
  }

  /** The Message-ID a send carries, derived from the key so that a lost outcome can be found again. */
  public static String messageIdHeader(String tenantId, String userId, String requestId) {
    byte[] digest = sha256(tenantId + "\n" + userId + "\n" + requestId);
    return "<" + HexFormat.of().formatHex(digest, 0, 16) + ".mailgate@mailgate.invalid>";
  }

  public static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends once per (user, request_id). */
  public Future<SentMessage> sendOnce(Tenant tenant, String userId, ConnectionRecord connection, String requestId,
      byte[] payloadSha256, String messageIdHeader, Audit audit, Sending sending) {
    Attempt attempt = new Attempt(tenant, userId, connection, requestId, payloadSha256, messageIdHeader, audit, sending);
    return tenant.withDatabase(db -> requests.claim(db, userId, requestId, connection.id(), payloadSha256, messageIdHeader))
        .compose(claimed -> claimed ? attempt.send() : attempt.existing(0));
  }

  private final class Attempt {
    final Tenant tenant;
    final String userId;
    final ConnectionRecord connection;
    final String requestId;
    final byte[] payload;
    final String header;
    final Audit audit;
    final Sending sending;

    Attempt(Tenant tenant, String userId, ConnectionRecord connection, String requestId, byte[] payload, String header,
        Audit audit, Sending sending) {
      this.tenant = tenant;
      this.userId = userId;
      this.connection = connection;
      this.requestId = requestId;
      this.payload = payload;
      this.header = header;
      this.audit = audit;
      this.sending = sending;
    }

    /** This call holds the claim: send, and record what happened. */
    Future<SentMessage> send() {
      return router.run(tenant, connection, (provider, mailbox) -> sending.send(provider, mailbox, header)
              .recover(failure -> ambiguous(failure) ? lookUp(provider, mailbox, failure) : Future.failedFuture(failure)))
          .compose(this::succeeded, this::failed);
    }

    /** The provider failed in a way that does not say whether it sent: look for the message. */
    private Future<SentMessage> lookUp(MailProvider provider, Mailbox mailbox, Throwable failure) {
      return provider.findSent(mailbox, header)
          .recover(lookupFailed -> Future.succeededFuture(Optional.empty()))
          .compose(found -> found.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(new OutcomeUnknown(failure))));
    }

    private Future<SentMessage> succeeded(SentMessage sent) {
      return tenant.withDatabase(db -> requests.sent(db, userId, requestId, sent.messageId(), sent.threadId())
          .compose(v -> log.record(db, userId, connection.id(), audit.recipients(), audit.subject(), sent.messageId(), true, null)))
          .map(sent);
    }

    private Future<SentMessage> failed(Throwable failure) {
      if (failure instanceof OutcomeUnknown unknown) {
        // A retry with this key looks the message up before it sends anything.
        return tenant.withDatabase(db -> requests.unknown(db, userId, requestId, "outcome unknown"))
            .compose(v -> Future.failedFuture(GatewayException.retryable(Reason.PROVIDER_UNAVAILABLE,
                "the provider failed and it is not known yet whether the message was sent; retry with the same request_id",
                Duration.ofSeconds(5), unknown.getCause())));
      }
      String error = failure instanceof GatewayException e ? e.reason() + ": " + e.getMessage() : "internal error";
      return tenant.withDatabase(db -> requests.failed(db, userId, requestId, error)
              .compose(v -> log.record(db, userId, connection.id(), audit.recipients(), audit.subject(), null, false, error)))
          .compose(v -> Future.failedFuture(failure));
    }

    /** Someone claimed this key before: answer from the record, wait for it, or take it over. */
    Future<SentMessage> existing(int waited) {
      return tenant.withDatabase(db -> requests.read(db, userId, requestId).compose(found -> {
        SendRequest record = found.orElseThrow(() -> new GatewayException(Reason.USER_NOT_FOUND, "user not found"));
        if (!MessageDigest.isEqual(record.payloadSha256(), payload)) {
          return Future.failedFuture(new GatewayException(Reason.IDEMPOTENCY_KEY_REUSED,
              "this request_id was already used for a different message"));
        }
        return switch (record.state()) {
          case "SENT" -> Future.succeededFuture(new SentMessage(record.providerMessageId(), record.providerThreadId()));
          case "FAILED" -> requests.takeOver(db, userId, requestId, record)
              .compose(mine -> mine ? send() : existing(waited));
          case "UNKNOWN" -> requests.takeOver(db, userId, requestId, record)
              .compose(mine -> mine ? lookUpThenSend() : existing(waited));
          default -> pending(db, record, waited);
        };
      }));
    }

    private Future<SentMessage> pending(io.vertx.sqlclient.SqlClient db, SendRequest record, int waited) {
      if (record.updateTime().isAfter(Instant.now().minus(STALE))) {
        if (waited >= WAIT_STEPS) {
          return Future.failedFuture(GatewayException.retryable(Reason.PROVIDER_UNAVAILABLE,
              "a send with this request_id is still in progress", Duration.ofSeconds(5), null));
        }
        return vertx.timer(WAIT_STEP.toMillis()).compose(v -> existing(waited + 1));
      }
      // A claim nobody finished (the gateway stopped mid-send): find the message before sending again.
      return requests.takeOver(db, userId, requestId, record).compose(mine -> mine ? lookUpThenSend() : existing(waited));
    }

    /** Sends only if the provider has no message with this send's Message-ID. */
    private Future<SentMessage> lookUpThenSend() {
      if (header.isEmpty()) {
        return send();
      }
      return router.run(tenant, connection, (provider, mailbox) -> provider.findSent(mailbox, header))
          .compose(found -> found.map(this::succeeded).orElseGet(this::send));
    }
  }

  /** A provider failure after which the message may or may not have been sent. */
  private static boolean ambiguous(Throwable failure) {
    return failure instanceof GatewayException e && e.reason() == Reason.PROVIDER_UNAVAILABLE;
  }

  private static final class OutcomeUnknown extends RuntimeException {
    OutcomeUnknown(Throwable cause) {
      super("outcome unknown", cause, false, false);
    }
  }
}
