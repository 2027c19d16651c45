package dev.mailgate.server.sandbox.graph;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers change and lifecycle notifications the way Graph's change-notification service does
 * (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks, "HTTP codes and retry
 * logic" and "Throttling"): a notification is delivered once the endpoint answers 2xx; any other
 * answer, no connection, or no answer within {@link #ANSWER_TIMEOUT} is tried again with
 * exponential backoff for up to {@link #DEFAULT_RETRY_WINDOW} after the change, and dropped only
 * after that. An endpoint where more than 10 % of the answers of the last 10 minutes took longer
 * than 10 s is "slow" (new notifications wait 10 s), above 15 % "drop" (new notifications are
 * dropped). Graph sends from many machines at once; so does the sandbox (up to
 * {@link #CONNECTIONS} connections per endpoint). Every outcome is counted ({@link #stats}), and
 * at most {@link #MAX_PENDING} notifications wait for a retry (more are dropped and counted).
 */
final class NotificationSender {

  /** How long Graph waits for an answer before it counts the attempt as failed (and slow). */
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
  /** How long Graph keeps retrying an undelivered notification. */
  static final Duration DEFAULT_RETRY_WINDOW = Duration.ofHours(4);
  static final Duration DEFAULT_FIRST_RETRY = Duration.ofSeconds(1);
  /** The longest pause between two attempts. */
  static final Duration MAX_BACKOFF = Duration.ofMinutes(15);
  static final int CONNECTIONS = 64;
  static final int MAX_PENDING = 100_000;

  private final Map<String, EndpointHealth> health = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong maxAnswerMillis = new AtomicLong();
  private volatile Vertx vertx;
  private volatile HttpClient http;
  private volatile Duration retryWindow = DEFAULT_RETRY_WINDOW;
  private volatile Duration firstRetry = DEFAULT_FIRST_RETRY;

  /** What became of the notifications so far. */
  record Stats(long queued, long delivered, long failedAttempts, long pending, long dropped, long maxAnswerMillis,
      Map<String, Long> failures) {

    /** One line: counts, then the failed attempts by cause. */
    @Override
    public String toString() {
      return "queued=" + queued + " delivered=" + delivered + " failedAttempts=" + failedAttempts + " pending="
          + pending + " dropped=" + dropped + " maxAnswerMs=" + maxAnswerMillis + " failures=" + failures;
    }
  }

  /** The HTTP client that calls subscribers, made on first use from the server's Vert.x. */
  synchronized HttpClient http(Vertx from) {
    if (http == null) {
      vertx = from;
      http = from.httpClientBuilder().with(new HttpClientOptions().setKeepAlive(true))
          .with(new PoolOptions().setHttp1MaxSize(CONNECTIONS)).build();
    }
    return http;
  }

  void retryWindow(Duration window, Duration first) {
    retryWindow = window;
    firstRetry = first;
  }

  Stats stats() {
    Map<String, Long> byCause = new TreeMap<>();
    failures.forEach((cause, count) -> byCause.put(cause, count.get()));
    return new Stats(queued.get(), delivered.get(), failedAttempts.get(), pending.get(), dropped.get(),
        maxAnswerMillis.get(), byCause);
  }

  /** POSTs {@code body} to {@code url}: the status and the answer's text. */
  static Future<Map.Entry<Integer, String>> post(HttpClient client, String url, String contentType, Buffer body,
      Duration timeout) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
        .setTimeout(timeout.toMillis()).putHeader("content-type", contentType);
    return client.request(options).compose(request -> request.send(body))
        .compose(response -> response.body().map(text -> Map.entry(response.statusCode(), text.toString())));
  }

  /** Sends one notification body to {@code url}, now or (endpoint marked slow) in 10 s; never fails. */
  void send(String url, JsonObject body) {
    Vertx on = vertx;
    if (on == null) {
      return;
    }
    queued.incrementAndGet();
    EndpointHealth endpoint = health.computeIfAbsent(origin(url), o -> new EndpointHealth());
    switch (endpoint.state(System.nanoTime())) {
      case DROP -> drop("endpoint marked drop");
      case SLOW -> on.setTimer(EndpointHealth.SLOW_DELAY.toMillis(), t -> attempt(url, body.toBuffer(), endpoint,
          System.nanoTime(), 1));
      default -> on.runOnContext(v -> attempt(url, body.toBuffer(), endpoint, System.nanoTime(), 1));
    }
  }

  private void attempt(String url, Buffer body, EndpointHealth endpoint, long since, int attempt) {
    long started = System.nanoTime();
    post(http, url, "application/json", body, ANSWER_TIMEOUT).onComplete(done -> {
      long tookMillis = (System.nanoTime() - started) / 1_000_000;
      maxAnswerMillis.accumulateAndGet(tookMillis, Math::max);
      endpoint.answered(System.nanoTime(), tookMillis >= ANSWER_TIMEOUT.toMillis());
      if (attempt > 1) {
        pending.decrementAndGet();
      }
      if (done.succeeded() && done.result().getKey() / 100 == 2) {
        delivered.incrementAndGet();
        return;
      }
      failedAttempts.incrementAndGet();
      failures.computeIfAbsent(done.succeeded() ? "HTTP " + done.result().getKey()
          : done.cause().getClass().getSimpleName(), c -> new AtomicLong()).incrementAndGet();
      long backoff = Math.min(MAX_BACKOFF.toMillis(), firstRetry.toMillis() << Math.min(attempt - 1, 20));
      if (System.nanoTime() + backoff * 1_000_000 - since > retryWindow.toNanos()) {
        drop("retry window over");
        return;
      }
      if (pending.incrementAndGet() > MAX_PENDING) {
        pending.decrementAndGet();
        drop("too many pending");
        return;
      }
      vertx.setTimer(Math.max(1, backoff), t -> attempt(url, body, endpoint, since, attempt + 1));
    });
  }

  private void drop(String cause) {
    dropped.incrementAndGet();
    failures.computeIfAbsent("dropped: " + cause, c -> new AtomicLong()).incrementAndGet();
  }

  private static String origin(String url) {
    int schemeEnd = url.indexOf("://");
    int pathStart = schemeEnd < 0 ? -1 : url.indexOf('/', schemeEnd + 3);
    return pathStart < 0 ? url : url.substring(0, pathStart);
  }
}
