package dev.mailgate.server.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * {@code GET /metrics}: the registry in the Prometheus text format, for a scraper that presents
 * {@code Authorization: Bearer <token>}. Any other request gets 401 with a
 * {@code WWW-Authenticate: Bearer} challenge and nothing else; neither the header it sent nor the
 * token is logged. The token is compared in constant time (digests of both). A scrape is rendered
 * on a worker thread: with many series it takes milliseconds an event loop should not spend.
 */
final class MetricsRoute implements Handler<RoutingContext> {

  static final String PATH = "/metrics";
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final String BEARER = "Bearer ";

  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;
  private final byte[] expected;

  MetricsRoute(Vertx vertx, PrometheusMeterRegistry registry, String token) {
    this.vertx = vertx;
    this.registry = registry;
    this.expected = sha256(token);
  }

  @Override
  public void handle(RoutingContext context) {
    String authorization = context.request().getHeader("authorization");
    boolean bearer = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length());
    if (!bearer || !MessageDigest.isEqual(expected, sha256(authorization.substring(BEARER.length()).strip()))) {
      context.response().setStatusCode(401)
          .putHeader("www-authenticate", "Bearer realm=\"mailgate-metrics\"")
          .putHeader("cache-control", "no-store")
          .end();
      return;
    }
    vertx.executeBlocking(registry::scrape, false).onComplete(scraped -> {
      if (scraped.failed()) {
        context.response().setStatusCode(500).end();
        return;
      }
      context.response().putHeader("content-type", CONTENT_TYPE).putHeader("cache-control", "no-store")
          .end(scraped.result());
    });
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
