package dev.mailgate.loadgen;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver in the load generator's process, on loopback: every POST is checked as the
 * Standard Webhooks specification says, with code written here (not the gateway's): {@code
 * webhook-id} present, {@code webhook-timestamp} within 5 minutes of now, and one of the {@code
 * v1,<base64>} signatures in {@code webhook-signature} equal (constant time) to the base64
 * HMAC-SHA256 of {@code id.timestamp.body} keyed with the base64-decoded part of the endpoint's
 * secret after {@code whsec_}. A verified MESSAGE_ADDED whose message subject names a registered
 * ledger ({@link DeliveryLedger#tagOf}) is an arrival in it, timed when the request's body is
 * complete. Verified requests are answered 204, the others 401 and counted as rejected.
 */
final class WebhookReceiver implements AutoCloseable {

  /** How far a timestamp may be from now (the specification's suggested tolerance). */
  static final long TOLERANCE_SECONDS = 300;

  private final Vertx vertx;
  private final Map<String, DeliveryLedger> ledgers = new ConcurrentHashMap<>();
  private final AtomicLong verified = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private volatile byte[] key;
  private HttpServer server;

  WebhookReceiver(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Listens on a free loopback port; the answer is its URL. */
  Future<String> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0));
    server.requestHandler(this::handle);
    return server.listen().map(s -> "http://127.0.0.1:" + s.actualPort() + "/hooks/mailgate");
  }

  /** The endpoint's secret ({@code whsec_<base64>}) as CreateWebhookEndpoint answered it. */
  void secret(String whsec) {
    if (!whsec.startsWith("whsec_")) {
      throw new IllegalArgumentException("not a Standard Webhooks secret");
    }
    key = Base64.getDecoder().decode(whsec.substring("whsec_".length()));
  }

  /** Verified deliveries whose subject names {@code ledger}'s tag are its arrivals. */
  void register(DeliveryLedger ledger) {
    ledgers.put(ledger.tag(), ledger);
  }

  long verified() {
    return verified.get();
  }

  long rejected() {
    return rejected.get();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      long arrived = System.nanoTime();
      String id = request.getHeader("webhook-id");
      String timestamp = request.getHeader("webhook-timestamp");
      String signatures = request.getHeader("webhook-signature");
      if (!verify(id, timestamp, signatures, body, System.currentTimeMillis() / 1000)) {
        rejected.incrementAndGet();
        request.response().setStatusCode(401).end();
        return;
      }
      verified.incrementAndGet();
      request.response().setStatusCode(204).end();
      String subject = subjectOf(body);
      DeliveryLedger.tagOf(subject).map(ledgers::get).ifPresent(ledger -> ledger.arrived(subject, arrived));
    });
  }

  /** Whether the request is signed with the endpoint's secret and recent. */
  boolean verify(String id, String timestamp, String signatures, Buffer body, long nowSeconds) {
    byte[] secret = key;
    if (secret == null || id == null || timestamp == null || signatures == null) {
      return false;
    }
    long sent;
    try {
      sent = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return false;
    }
    if (Math.abs(nowSeconds - sent) > TOLERANCE_SECONDS) {
      return false;
    }
    byte[] expected = Base64.getEncoder().encode(hmac(secret, id + "." + timestamp + "." + body.toString(
        StandardCharsets.UTF_8)));
    boolean match = false;
    for (String signature : signatures.split(" ")) {
      if (signature.startsWith("v1,")) {
        match |= MessageDigest.isEqual(expected, signature.substring(3).getBytes(StandardCharsets.US_ASCII));
      }
    }
    return match;
  }

  private static byte[] hmac(byte[] secret, String signed) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(signed.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The message subject of a MESSAGE_ADDED body (proto JSON mapping), or null. */
  private static String subjectOf(Buffer body) {
    try {
      JsonObject event = new JsonObject(body);
      JsonObject message = event.getJsonObject("message");
      return "MAILBOX_EVENT_TYPE_MESSAGE_ADDED".equals(event.getString("type")) && message != null
          ? message.getString("subject") : null;
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
