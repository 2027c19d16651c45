package dev.mailgate.server.provider.gmail;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import dev.mailgate.server.OutboundTimeouts;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.ProviderErrors;
import dev.mailgate.server.mail.ProviderUnauthorizedException;
import dev.mailgate.server.BlockingPool;
import dev.mailgate.server.BlockingPool.Fanout;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs blocking google-api-services-gmail calls on a bounded, named worker pool (never on an
 * event loop) and turns Gmail's HTTP errors into gateway reasons: 401 asks for a refresh, 404 is
 * MESSAGE_NOT_FOUND, 429 and 403 rate-limit reasons are PROVIDER_RATE_LIMITED with the
 * Retry-After delay, other 403s (insufficientPermissions: a grant without the scope) are
 * PROVIDER_PERMISSION_DENIED, 400 is INVALID_ARGUMENT in the gateway's words ({@link ProviderErrors}), 5xx and I/O failures are retried with jittered exponential backoff (reads
 * only) and then PROVIDER_UNAVAILABLE.
 */
final class GmailCalls {

  /** One blocking Gmail call. */
  @FunctionalInterface
  interface Call<T> {
    T run(Gmail gmail) throws IOException;
  }

  private static final int ATTEMPTS = 3;
  /** The reasons of Gmail's 403s that are rate limits, not refusals (Gmail's "Resolve errors" guide). */
  private static final java.util.Set<String> RATE_LIMIT_REASONS =
      java.util.Set.of("rateLimitExceeded", "userRateLimitExceeded", "dailyLimitExceeded", "quotaExceeded");
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);

  private final Vertx vertx;
  private final BlockingPool workers;
  private final OutboundTimeouts timeouts;
  /**
   * The credential of the call running on this worker thread: the one Gmail client below is shared
   * by every mailbox, and a call runs start to end on one thread, so its requests read their
   * Authorization from here (building a client per call cost a measurable share of a search).
   */
  private final ThreadLocal<String> credential = new ThreadLocal<>();
  private final Gmail gmail;

  GmailCalls(Vertx vertx, String rootUrl, int threads, int queue, OutboundTimeouts timeouts) {
    this.vertx = vertx;
    this.timeouts = timeouts;
    this.workers = new BlockingPool(vertx, "mailgate-gmail", threads, queue);
    HttpRequestInitializer auth = request -> {
      request.getHeaders().setAuthorization("Bearer " + credential.get());
      request.setConnectTimeout(timeouts.connectMillis());
      request.setReadTimeout(timeouts.totalMillis());
      request.setThrowExceptionOnExecuteError(true);
    };
    this.gmail = new Gmail.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(), auth)
        .setRootUrl(rootUrl)
        .setApplicationName("mailgate")
        .build();
  }

  /** A read: retried on 5xx and I/O failures, all attempts together within the total outbound timeout. */
  <T> Future<T> read(MailboxCredential mailbox, Call<T> call) {
    long deadline = System.nanoTime() + timeouts.total().toNanos();
    return timeouts.bound(vertx, attempt(mailbox, call, 1, deadline), "Gmail");
  }

  /** A write that must not run twice (a send): never retried here; within the total outbound timeout. */
  <T> Future<T> writeOnce(MailboxCredential mailbox, Call<T> call) {
    return timeouts.bound(vertx, attempt(mailbox, call, ATTEMPTS, 0L), "Gmail");
  }

  /**
   * A read, then the reads its result asks for (a search: the listing, then each message's
   * metadata), the second step started by the worker that ran the first, so the caller's event
   * loop sees one completion for both; each read retried as {@link #read} retries it, all within
   * the total outbound timeout.
   */
  <A, T> Future<Fanout<A, T>> readThenEach(MailboxCredential mailbox, Call<A> first, Function<A, List<Call<T>>> then) {
    long deadline = System.nanoTime() + timeouts.total().toNanos();
    Future<Fanout<A, T>> all = workers.runThenEach(() -> run(mailbox, first), result -> onPool(mailbox, then.apply(result)))
        .recover(failure -> retry(mailbox, first, failure, 1, deadline)
            .compose(result -> workers.runEach(onPool(mailbox, then.apply(result)))
                .map(outcomes -> new Fanout<>(result, outcomes))))
        .compose(fan -> retried(mailbox, () -> then.apply(fan.first()), fan.each(), deadline)
            .map(each -> new Fanout<>(fan.first(), each)));
    return timeouts.bound(vertx, all, "Gmail");
  }

  /** {@code reads} as work for the pool, each authorized with the mailbox's credential. */
  private <T> List<Callable<T>> onPool(MailboxCredential mailbox, List<Call<T>> reads) {
    return reads.stream().map(call -> (Callable<T>) () -> run(mailbox, call)).toList();
  }

  /** The results of first attempts, the failed ones tried again as {@link #read} tries ({@code reads}: what was run, in order). */
  private <T> Future<List<T>> retried(MailboxCredential mailbox, Supplier<List<Call<T>>> reads, List<Future<T>> outcomes,
      long deadline) {
    if (outcomes.stream().allMatch(Future::succeeded)) {
      return Future.succeededFuture(outcomes.stream().map(Future::result).toList());
    }
    List<Call<T>> run = reads.get();
    List<Future<T>> each = new ArrayList<>(outcomes.size());
    for (int i = 0; i < outcomes.size(); i++) {
      Future<T> outcome = outcomes.get(i);
      each.add(outcome.succeeded() ? outcome : retry(mailbox, run.get(i), outcome.cause(), 1, deadline));
    }
    return Future.all(each).map(done -> each.stream().map(Future::result).toList());
  }

  /** One attempt; failed reads are tried again until the last attempt, unless {@code deadline} (nanoTime) passed. */
  private <T> Future<T> attempt(MailboxCredential mailbox, Call<T> call, int attempt, long deadline) {
    return workers.run(() -> run(mailbox, call)).recover(failure -> retry(mailbox, call, failure, attempt, deadline));
  }

  /** After attempt number {@code attempt} failed: the next one after a jittered backoff, or the failure in the gateway's terms. */
  private <T> Future<T> retry(MailboxCredential mailbox, Call<T> call, Throwable failure, int attempt, long deadline) {
    RuntimeException mapped = translate(failure);
    boolean transientFailure = mapped instanceof GatewayException e && e.reason() == Reason.PROVIDER_UNAVAILABLE;
    if (transientFailure && attempt < ATTEMPTS && System.nanoTime() - deadline < 0) {
      long base = FIRST_BACKOFF.toMillis() << (attempt - 1);
      long delay = base / 2 + ThreadLocalRandom.current().nextLong(base);
      return vertx.timer(delay).compose(v -> attempt(mailbox, call, attempt + 1, deadline));
    }
    return Future.failedFuture(mapped);
  }

  /** {@code call} on this worker thread, its requests authorized with the mailbox's credential. */
  private <T> T run(MailboxCredential mailbox, Call<T> call) throws IOException {
    credential.set(mailbox.credential());
    try {
      return call.run(gmail);
    } finally {
      credential.remove();
    }
  }

  /** Gmail's error to the gateway's: a {@link GatewayException}, or for a 401 a {@link ProviderUnauthorizedException}. */
  static RuntimeException translate(Throwable failure) {
    if (failure instanceof GatewayException || failure instanceof ProviderUnauthorizedException
        || failure instanceof dev.mailgate.server.mail.SendClaim.Abandoned) {
      return (RuntimeException) failure;
    }
    if (failure instanceof GoogleJsonResponseException http) {
      int status = http.getStatusCode();
      String reason = reasonOf(http.getDetails());
      if (status == 401) {
        return new ProviderUnauthorizedException();
      }
      if (status == 404) {
        return new GatewayException(Reason.MESSAGE_NOT_FOUND, "the message, thread, draft or attachment was not found");
      }
      if (status == 429 || (status == 403 && RATE_LIMIT_REASONS.contains(reason))) {
        return GatewayException.retryable(Reason.PROVIDER_RATE_LIMITED, "Gmail is rate limiting this mailbox",
            retryAfter(http), null);
      }
      String message = http.getDetails() == null ? http.getStatusMessage() : http.getDetails().getMessage();
      if (status == 403) {
        return ProviderErrors.permissionDenied("Gmail", status, reason, message);
      }
      if (status == 400) {
        return ProviderErrors.badRequest("Gmail", status, reason, message);
      }
      if (status >= 500) {
        return unavailable();
      }
      return ProviderErrors.unexpected("Gmail", status, reason, message);
    }
    if (failure instanceof IOException) {
      return unavailable();
    }
    return new GatewayException(Reason.INTERNAL, "unexpected Gmail failure");
  }

  private static GatewayException unavailable() {
    return GatewayException.retryable(Reason.PROVIDER_UNAVAILABLE, "Gmail is unavailable", Duration.ofSeconds(5), null);
  }

  /** Google's reason for the error: the first {@code errors[].reason} (insufficientPermissions, rateLimitExceeded...). */
  private static String reasonOf(GoogleJsonError details) {
    if (details == null || details.getErrors() == null || details.getErrors().isEmpty()) {
      return "";
    }
    String reason = details.getErrors().get(0).getReason();
    return reason == null ? "" : reason;
  }

  private static Duration retryAfter(GoogleJsonResponseException http) {
    try {
      String header = http.getHeaders() == null ? null : http.getHeaders().getRetryAfter();
      return header == null ? Duration.ofSeconds(10) : Duration.ofSeconds(Long.parseLong(header.trim()));
    } catch (NumberFormatException notSeconds) {
      return Duration.ofSeconds(10);
    }
  }

  Future<Void> close() {
    return workers.close();
  }
}
