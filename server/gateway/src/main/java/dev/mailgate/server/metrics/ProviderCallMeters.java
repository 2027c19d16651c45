package dev.mailgate.server.metrics;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.mail.ProviderUnauthorizedException;
import dev.mailgate.server.store.ProviderKind;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Calls to mailbox providers (Gmail, Microsoft Graph, IMAP/SMTP) by provider, operation and
 * outcome ({@value #PROVIDER_CALLS}): {@code ok}, {@code unauthorized} (a refused credential, renewed
 * and retried once), the ErrorInfo reason the provider's failure became, or {@code error}.
 */
final class ProviderCallMeters {

  static final String PROVIDER_CALLS = "mailgate.provider.calls";

  private final MeterRegistry registry;
  /** provider/operation, then outcome. */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Timer>> timers = new ConcurrentHashMap<>();

  ProviderCallMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** One operation of one provider, timed from its start to its outcome. */
  final class Operation {
    private final String provider;
    private final String operation;
    private final ConcurrentHashMap<String, Timer> byOutcome;

    private Operation(String provider, String operation) {
      this.provider = provider;
      this.operation = operation;
      this.byOutcome = timers.computeIfAbsent(provider + "/" + operation, k -> new ConcurrentHashMap<>());
    }

    <T> Future<T> time(Supplier<Future<T>> call) {
      long start = System.nanoTime();
      Future<T> result;
      try {
        result = call.get();
      } catch (RuntimeException e) {
        record(start, e);
        throw e;
      }
      return result.andThen(done -> record(start, done.failed() ? done.cause() : null));
    }

    private void record(long start, Throwable failure) {
      String outcome = outcome(failure);
      Timer timer = byOutcome.get(outcome);
      if (timer == null) {
        timer = byOutcome.computeIfAbsent(outcome, o -> Timer.builder(PROVIDER_CALLS)
            .description("Calls to mailbox providers by provider, operation and outcome (ok, unauthorized, or the "
                + "ErrorInfo reason of the failure)")
            .tag("provider", provider).tag("operation", operation).tag("outcome", o)
            .register(registry));
      }
      timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  /** The meters of {@code operation} (snake_case) on {@code provider}; made once per decorated provider. */
  Operation operation(ProviderKind provider, String operation) {
    return new Operation(provider.name().toLowerCase(Locale.ROOT), operation);
  }

  static String outcome(Throwable failure) {
    if (failure == null) {
      return "ok";
    }
    if (failure instanceof ProviderUnauthorizedException) {
      return "unauthorized";
    }
    if (failure instanceof GatewayException e) {
      return e.reason().name();
    }
    return "error";
  }
}
