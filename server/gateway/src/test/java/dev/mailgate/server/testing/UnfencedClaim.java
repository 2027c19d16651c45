package dev.mailgate.server.testing;

import dev.mailgate.server.mail.SendClaim;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;

/** A send claim without a database or deadline, for tests that call a provider directly. */
public final class UnfencedClaim implements SendClaim {

  private volatile Optional<String> prepared = Optional.empty();

  public static SendClaim create() {
    return new UnfencedClaim();
  }

  @Override
  public void checkSendable() {
    // no deadline
  }

  @Override
  public Future<Void> prepared(String providerId) {
    prepared = Optional.of(providerId);
    return Future.succeededFuture();
  }

  @Override
  public Optional<String> preparedId() {
    return prepared;
  }

  @Override
  public void discardPrepared() {
    prepared = Optional.empty();
  }

  @Override
  public Optional<Instant> earlierSendFiledBy() {
    return Optional.empty();
  }
}
