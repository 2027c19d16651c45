package dev.mailgate.server.mail;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;

/**
 * The claim one send attempt holds on its {@code request_id}, as a provider sees it. Only the
 * holder may finish a claim, and it gives up at the claim's deadline; a provider asks the claim
 * before its one irreversible call and records with it whatever names the message at the provider
 * before that call, so that an attempt taking over after a crash can tell whether it was sent.
 */
public interface SendClaim {

  /** Thrown by {@link #checkSendable}: too little time is left before the deadline, nothing was sent. */
  final class Abandoned extends RuntimeException {
    public Abandoned(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Throws (abandoning the send) unless this attempt still holds the claim with enough time
   * before its deadline for the provider's send call. Call it right before that call, on the
   * thread that makes it (after any queue, so a send that waited too long is not made).
   */
  void checkSendable();

  /**
   * Records {@code providerId} (Outlook: the draft's immutable id) with the claim, fenced: it
   * fails if the claim was lost or its deadline leaves too little time to send.
   */
  Future<Void> prepared(String providerId);

  /** What this or an earlier attempt recorded with {@link #prepared}. */
  Optional<String> preparedId();

  /** Forgets the recorded id (the provider no longer has it and it was never sent): the next send starts afresh. */
  void discardPrepared();

  /**
   * Until when a send an earlier attempt may have made can still be on its way to the sent
   * folder (Graph files asynchronously): its deadline plus the provider's filing window. Empty
   * for a first attempt.
   */
  Optional<Instant> earlierSendFiledBy();
}
