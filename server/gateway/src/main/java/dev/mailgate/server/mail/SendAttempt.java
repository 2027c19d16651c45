package dev.mailgate.server.mail;

import dev.mailgate.server.store.SendRequestStore;
import dev.mailgate.server.store.SendRequestStore.Claim;
import dev.mailgate.server.store.SendRequestStore.SendRequest;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The claim one attempt holds ({@link SendClaim} for the provider): its generation, and its
 * deadline on this process's monotonic clock, taken from the database's time left when claimed.
 */
final class SendAttempt implements SendClaim {

  /** Where the claim lives. */
  record Key(Tenant tenant, String userId, String requestId, SendRequestStore requests, SendPolicy policy) {}

  /** The claim is no longer this attempt's (another took it over after its deadline). */
  static final class ClaimLost extends RuntimeException {
    private final Duration retryAfter;

    ClaimLost(Duration retryAfter) {
      super("the send claim was lost", null, false, false);
      this.retryAfter = retryAfter;
    }

    Duration retryAfter() {
      return retryAfter;
    }
  }

  private final Key key;
  private final long generation;
  private final long deadlineNanos;
  private final String header;
  private final Optional<Instant> earlierSendFiledBy;
  private volatile Optional<String> preparedId;

  SendAttempt(Key key, Claim claim, Optional<SendRequest> earlier, String header) {
    this.key = key;
    this.generation = claim.generation();
    this.deadlineNanos = System.nanoTime() + claim.remaining().toNanos();
    this.header = header;
    this.preparedId = claim.providerDraftId();
    this.earlierSendFiledBy = earlier.map(e -> Instant.now().plus(e.remaining()).plus(key.policy().filingWindow()));
  }

  long generation() {
    return generation;
  }

  /** The Message-ID this send carries. */
  String header() {
    return header;
  }

  private Duration left() {
    return Duration.ofNanos(deadlineNanos - System.nanoTime());
  }

  @Override
  public void checkSendable() {
    Duration left = left();
    if (left.compareTo(key.policy().callLimit()) < 0) {
      throw new Abandoned("only " + left.toMillis() + " ms were left before the claim's deadline");
    }
  }

  @Override
  public Future<Void> prepared(String providerId) {
    checkSendable();
    return key.tenant().withDatabase(db -> key.requests().prepared(db, key.userId(), key.requestId(), generation,
            providerId, key.policy().callLimit()))
        .compose(mine -> {
          if (!mine) {
            return Future.failedFuture(new ClaimLost(key.policy().callLimit()));
          }
          preparedId = Optional.of(providerId);
          return Future.succeededFuture();
        });
  }

  @Override
  public Optional<String> preparedId() {
    return preparedId;
  }

  @Override
  public void discardPrepared() {
    preparedId = Optional.empty();
  }

  @Override
  public Optional<Instant> earlierSendFiledBy() {
    return earlierSendFiledBy;
  }
}
