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
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotent sending with fenced claims. The first call with a {@code request_id} claims it (a
 * generation and a deadline) and sends; a retry with the same key and payload returns the first
 * result without sending; the same key with another payload is IDEMPOTENCY_KEY_REUSED. Only the
 * claim's holder can record an outcome, and it abandons the send rather than start a provider
 * call that could outlive its deadline; a retry waits briefly for a live holder, then answers
 * SEND_IN_PROGRESS until the deadline, after which it takes the claim over and first asks the
 * provider whether the message went out ({@link MailProvider#findSent}). Every outcome goes to the
 * audit log once.
 */
final class IdempotentSend {

  /** What is sent for one claim: a message, or a draft. */
  @FunctionalInterface
  interface Sending {
    Future<SentMessage> send(MailProvider provider, MailboxCredential mailbox, String messageIdHeader, SendClaim claim);
  }

  /** What the audit log records about a send (never its body). */
  record Audit(List<String> recipients, String subject) {}

  /** Its lines keep the name of the send feature they belong to. */
  private static final Logger log = LoggerFactory.getLogger(SendService.class);
  private static final Duration WAIT_STEP = Duration.ofMillis(100);

  private final Vertx vertx;
  private final MailboxAccess access;
  private final SendRequestStore requests;
  private final SendLog sendLog;
  private final SendPolicy policy;

  IdempotentSend(Vertx vertx, MailboxAccess access, SendRequestStore requests, SendLog sendLog, SendPolicy policy) {
    this.vertx = vertx;
    this.access = access;
    this.requests = requests;
    this.sendLog = sendLog;
    this.policy = policy;
  }

  /** Sends once per (user, request_id). */
  Future<SentMessage> sendOnce(Tenant tenant, String userId, ConnectionRecord connection, String requestId,
      byte[] payloadSha256, String messageIdHeader, Audit audit, Sending sending) {
    Attempt attempt = new Attempt(tenant, userId, connection, requestId, payloadSha256, audit, sending);
    return tenant.withDatabase(db -> requests.claim(db, userId, requestId, connection.id(), payloadSha256,
            messageIdHeader, policy.lease()))
        .compose(claim -> claim.isPresent()
            ? attempt.run(new SendAttempt(attempt.key(), claim.get(), Optional.empty(), messageIdHeader), false)
            : attempt.existing(Duration.ZERO));
  }

  /**
   * Answers a retry from the record of an earlier call only (the caller found nothing to send,
   * e.g. a draft that is gone): MESSAGE_NOT_FOUND if no call with this key was made.
   */
  Future<SentMessage> answerFromRecord(Tenant tenant, String userId, ConnectionRecord connection,
      String requestId, byte[] payloadSha256, Sending sending) {
    Attempt attempt = new Attempt(tenant, userId, connection, requestId, payloadSha256, new Audit(List.of(), ""), sending);
    return tenant.withDatabase(db -> requests.read(db, userId, requestId))
        .compose(found -> found.isPresent() ? attempt.existing(Duration.ZERO)
            : Future.failedFuture(new GatewayException(Reason.MESSAGE_NOT_FOUND, "the draft was not found")));
  }

  private final class Attempt {
    final Tenant tenant;
    final String userId;
    final ConnectionRecord connection;
    final String requestId;
    final byte[] payload;
    final Audit audit;
    final Sending sending;

    Attempt(Tenant tenant, String userId, ConnectionRecord connection, String requestId, byte[] payload, Audit audit,
        Sending sending) {
      this.tenant = tenant;
      this.userId = userId;
      this.connection = connection;
      this.requestId = requestId;
      this.payload = payload;
      this.audit = audit;
      this.sending = sending;
    }

    SendAttempt.Key key() {
      return new SendAttempt.Key(tenant, userId, requestId, requests, policy);
    }

    /** This call holds the claim: (after a takeover, first look for the message,) send, and record what happened. */
    Future<SentMessage> run(SendAttempt claim, boolean takenOver) {
      return access.run(tenant, connection, (provider, mailbox) ->
              (takenOver ? provider.findSent(mailbox, claim.header(), claim) : Future.succeededFuture(Optional.<SentMessage>empty()))
                  .compose(found -> found.isPresent() ? Future.succeededFuture(found.get())
                      : sending.send(provider, mailbox, claim.header(), claim)
                          .recover(failure -> ambiguous(failure) ? lookUp(provider, mailbox, claim, failure)
                              : Future.failedFuture(failure))))
          .compose(sent -> succeeded(claim, sent), failure -> failed(claim, failure));
    }

    /** The provider failed in a way that does not say whether it sent: look for the message. */
    private Future<SentMessage> lookUp(MailProvider provider, MailboxCredential mailbox, SendAttempt claim, Throwable failure) {
      return provider.findSent(mailbox, claim.header(), claim)
          .recover(lookupFailed -> Future.succeededFuture(Optional.empty()))
          .compose(found -> found.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(new OutcomeUnknown(failure))));
    }

    private Future<SentMessage> succeeded(SendAttempt claim, SentMessage sent) {
      policy.faults().providerAccepted(requestId);
      return tenant.withDatabase(db -> requests.sent(db, userId, requestId, claim.generation(), sent.messageId(),
              sent.threadId())
          .compose(mine -> {
            if (!mine) {
              // Only possible if this attempt overran its deadline; the attempt that took over looks the message up.
              log.warn("send {} finished after its claim was taken over; its outcome is the taker's to record", requestId);
              return Future.succeededFuture();
            }
            return sendLog.record(db, userId, connection.id(), audit.recipients(), audit.subject(), sent.messageId(),
                true, null);
          }))
          .map(sent);
    }

    private Future<SentMessage> failed(SendAttempt claim, Throwable failure) {
      if (failure instanceof SendAttempt.ClaimLost lost) {
        return Future.failedFuture(inProgress(lost.retryAfter()));
      }
      if (failure instanceof GatewayException e && e.reason() == Reason.SEND_IN_PROGRESS) {
        // The provider has accepted the send and not filed it yet: look again on the next retry.
        return tenant.withDatabase(db -> requests.unknown(db, userId, requestId, claim.generation(),
                "accepted by the provider, not filed yet"))
            .compose(v -> Future.failedFuture(failure));
      }
      if (failure instanceof OutcomeUnknown unknown) {
        return tenant.withDatabase(db -> requests.unknown(db, userId, requestId, claim.generation(), "outcome unknown"))
            .compose(v -> Future.failedFuture(GatewayException.retryable(Reason.PROVIDER_UNAVAILABLE,
                "the provider failed and it is not known yet whether the message was sent; retry with the same request_id",
                Duration.ofSeconds(5), unknown.getCause())));
      }
      if (failure instanceof SendClaim.Abandoned abandoned) {
        return tenant.withDatabase(db -> requests.failed(db, userId, requestId, claim.generation(), "abandoned: "
                + abandoned.getMessage()))
            .compose(v -> Future.failedFuture(GatewayException.retryable(Reason.PROVIDER_UNAVAILABLE,
                "the send was abandoned before it reached the provider; retry with the same request_id",
                Duration.ofSeconds(1), null)));
      }
      String error = failure instanceof GatewayException e ? e.reason() + ": " + e.getMessage() : "internal error";
      return tenant.withDatabase(db -> requests.failed(db, userId, requestId, claim.generation(), error)
              .compose(mine -> mine ? sendLog.record(db, userId, connection.id(), audit.recipients(), audit.subject(),
                  null, false, error) : Future.succeededFuture()))
          .compose(v -> Future.failedFuture(failure));
    }

    /** Someone claimed this key before: answer from the record, wait for its holder, or take it over. */
    Future<SentMessage> existing(Duration waited) {
      return tenant.withDatabase(db -> requests.read(db, userId, requestId)).compose(found -> {
        SendRequest record = found.orElseThrow(() -> new GatewayException(Reason.USER_NOT_FOUND, "user not found"));
        if (!MessageDigest.isEqual(record.payloadSha256(), payload)) {
          return Future.failedFuture(new GatewayException(Reason.IDEMPOTENCY_KEY_REUSED,
              "this request_id was already used for a different message"));
        }
        if (record.state().equals("SENT")) {
          return Future.succeededFuture(new SentMessage(record.providerMessageId(), record.providerThreadId()));
        }
        if (record.state().equals("PENDING") && !record.expired()) {
          if (waited.compareTo(policy.waitForHolder()) >= 0) {
            return Future.failedFuture(inProgress(record.remaining()));
          }
          return vertx.timer(WAIT_STEP.toMillis()).compose(v -> existing(waited.plus(WAIT_STEP)));
        }
        // FAILED, UNKNOWN, or a holder that did not finish by its deadline: take over, look, then send.
        return tenant.withDatabase(db -> requests.takeOver(db, userId, requestId, record, policy.lease()))
            .compose(claim -> claim.isPresent()
                ? run(new SendAttempt(key(), claim.get(), Optional.of(record), record.messageIdHeader()), true)
                : existing(waited));
      });
    }
  }

  static GatewayException inProgress(Duration remaining) {
    Duration retry = remaining.compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5)
        : remaining.compareTo(Duration.ofMillis(200)) < 0 ? Duration.ofMillis(200) : remaining;
    return GatewayException.retryable(Reason.SEND_IN_PROGRESS,
        "another attempt with this request_id is sending; retry with the same request_id", retry, null);
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
