package dev.mailgate.server.sandbox.gmail;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gmail's push notifications as Cloud Pub/Sub delivers them to an authenticated push subscription:
 * each history record of a watched mailbox publishes {@code {"emailAddress","historyId"}} to the
 * watch's topic, and the subscription POSTs the push envelope to the configured endpoint with an
 * OIDC bearer token ({@link PushSigner}). Delivery is asynchronous, off the request that made the
 * change; answers other than 102, 200, 201, 202 and 204 are retried with backoff a few times.
 *
 * <p>As Gmail documents, at most one notification per mailbox per second is sent (the rest are
 * dropped), and tests can drop every push ({@link #drop}) the way pushes get lost in reality.
 * At most {@link #MAX_IN_FLIGHT} deliveries are pending; more are dropped.
 */
final class PubSubPush {

  private static final Logger log = LoggerFactory.getLogger(PubSubPush.class);
  static final int MAX_IN_FLIGHT = 1000;
  private static final int ATTEMPTS = 5;
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Set<Integer> ACK = Set.of(102, 200, 201, 202, 204);
  private static final int RATE_MEMORY = 10_000;

  /** Where the push subscription delivers. */
  private record Endpoint(String url, String audience) {}

  private final PushSigner signer;
  private final Clock clock;
  private final AtomicBoolean dropping = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong messageIds = new AtomicLong(2_000_000_000_000L);
  private final AtomicInteger acknowledged = new AtomicInteger();
  /** When each mailbox was last pushed (System.nanoTime: the rate is real time even on a test's clock). */
  private final Map<String, Long> lastPush = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > RATE_MEMORY;
    }
  };
  private volatile Endpoint endpoint;
  private volatile Duration minimumInterval = Duration.ofSeconds(1);
  private volatile Vertx vertx;
  private volatile HttpClient client;

  PubSubPush(PushSigner signer, Clock clock) {
    this.signer = signer;
    this.clock = clock;
  }

  /** Deliveries use {@code vertx}'s HTTP client (the sandbox's own Vert.x). */
  void attach(Vertx vertx) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000));
  }

  void pushTo(String url, String audience) {
    this.endpoint = new Endpoint(url, audience);
  }

  void drop(boolean drop) {
    dropping.set(drop);
  }

  void minimumInterval(Duration interval) {
    this.minimumInterval = interval;
  }

  int acknowledged() {
    return acknowledged.get();
  }

  /** A history record of {@code mailbox} (called under its lock): published if a watch covers it. */
  void changed(Mailbox mailbox, HistoryLog.Entry change) {
    Endpoint target = endpoint;
    Mailbox.Watch watch = mailbox.watch().orElse(null);
    if (target == null || client == null || watch == null || !watch.covers(change) || dropping.get()
        || !allowed(mailbox.address())) {
      return;
    }
    if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
      inFlight.decrementAndGet();
      log.warn("Gmail sandbox dropped a push: {} deliveries pending", MAX_IN_FLIGHT);
      return;
    }
    String data = new JsonObject().put("emailAddress", mailbox.address()).put("historyId", change.id()).encode();
    String id = Long.toString(messageIds.incrementAndGet());
    String published = clock.instant().truncatedTo(ChronoUnit.MILLIS).toString();
    JsonObject message = new JsonObject()
        .put("data", Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8)))
        .put("messageId", id).put("message_id", id)
        .put("publishTime", published).put("publish_time", published);
    JsonObject envelope = new JsonObject().put("message", message).put("subscription", subscriptionOf(watch.topicName()));
    vertx.runOnContext(v -> deliver(target, envelope.encode(), 1));
  }

  private synchronized boolean allowed(String address) {
    long now = System.nanoTime();
    Long last = lastPush.get(address);
    if (last != null && now - last < minimumInterval.toNanos()) {
      return false;
    }
    lastPush.put(address, now);
    return true;
  }

  private void deliver(Endpoint target, String body, int attempt) {
    Instant now = Instant.now();
    String token = signer.token(target.audience(), now, now.plus(Duration.ofHours(1)));
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(target.url())
        .putHeader("content-type", "application/json")
        .putHeader("authorization", "Bearer " + token)
        .putHeader("user-agent", "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)")
        .setTimeout(10_000);
    client.request(request).compose(req -> req.send(body)).compose(response -> response.body().map(b -> response.statusCode()))
        .onComplete(answer -> {
          if (answer.succeeded() && ACK.contains(answer.result())) {
            acknowledged.incrementAndGet();
            inFlight.decrementAndGet();
          } else if (attempt < ATTEMPTS) {
            long delay = FIRST_BACKOFF.toMillis() << (attempt - 1);
            vertx.setTimer(delay, t -> deliver(target, body, attempt + 1));
          } else {
            inFlight.decrementAndGet();
            log.warn("Gmail sandbox gave up a push after {} attempts: {}", ATTEMPTS,
                answer.succeeded() ? "HTTP " + answer.result() : answer.cause().toString());
          }
        });
  }

  /** The push subscription on the topic's project. */
  static String subscriptionOf(String topicName) {
    String[] parts = topicName.split("/");
    return "projects/" + parts[1] + "/subscriptions/" + parts[3] + "-push";
  }

  String token(String audience, String serviceAccount, boolean emailVerified, Instant issuedAt, Instant expiry) {
    return signer.token(audience, serviceAccount, emailVerified, issuedAt, expiry);
  }
}
