package dev.mailgate.server.webhook;

import dev.mailgate.server.BlockingPool;
import dev.mailgate.server.egress.EgressGuard;
import dev.mailgate.server.egress.EgressPolicy;
import dev.mailgate.server.egress.EgressRefusedException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import dev.mailgate.tenant.config.EgressConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Posts one delivery. The URL's host is resolved and every address checked against the tenant's
 * egress policy at each attempt (on a bounded worker pool: resolution blocks), and the request goes
 * to the checked address (the name is only the Host header and the TLS server name), so a name that
 * now resolves somewhere refused gets nowhere. A 2xx within the attempt timeout is a success;
 * redirects are not followed.
 */
final class WebhookSender {

  private final Vertx vertx;
  private final HttpClient http;
  private final BlockingPool resolver;
  private final EgressPolicy egress;
  private final WebhookPolicy policy;

  WebhookSender(Vertx vertx, EgressPolicy egress, WebhookPolicy policy) {
    this.vertx = vertx;
    this.egress = egress;
    this.policy = policy;
    int timeout = (int) policy.attemptTimeout().toMillis();
    this.http = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout(timeout)
        .setIdleTimeout(timeout)
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setForceSni(true)
        .setVerifyHost(true)
        .setKeepAlive(true),
        // No limit of its own per host: the dispatcher bounds the attempts per endpoint and in all, and a
        // smaller pool would make one endpoint's slow answers hold up another endpoint on the same host.
        new PoolOptions().setHttp1MaxSize(policy.maxInFlight()).setMaxWaitQueueSize(policy.maxInFlight()));
    this.resolver = new BlockingPool(vertx, "mailgate-webhook-dns", 4, policy.maxInFlight());
  }

  /** Whether plain http may be used: where loopback is allowed (dev mode and tests), not in production. */
  boolean allowsHttp() {
    return egress.allowLoopback();
  }

  Future<AttemptResult> send(EgressConfig tenantEgress, String url, String id, long timestamp, String signature,
      String body) {
    WebhookUrl.Result parsed = WebhookUrl.parse(url, allowsHttp());
    if (parsed.url().isEmpty()) {
      return Future.succeededFuture(AttemptResult.failed("the URL " + parsed.refusal().orElseThrow()));
    }
    WebhookUrl target = parsed.url().get();
    EgressGuard guard = egress.forTenant(tenantEgress);
    return resolver.run(() -> {
      InetAddress address = guard.resolve(target.host()).get(0);
      guard.observer().dialing(new InetSocketAddress(address, target.port()));
      return address;
    }).compose(address -> post(target, address, id, timestamp, signature, body), error -> Future.succeededFuture(
        AttemptResult.failed(error instanceof EgressRefusedException refused ? refused.getMessage()
            : error instanceof UnknownHostException ? "the URL's host has no address"
            : "the connection was not made: " + error.getMessage())));
  }

  private Future<AttemptResult> post(WebhookUrl target, InetAddress address, String id, long timestamp,
      String signature, String body) {
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setServer(SocketAddress.inetSocketAddress(target.port(), address.getHostAddress()))
        .setHost(target.host())
        .setPort(target.port())
        .setSsl(target.https())
        .setURI(target.pathAndQuery())
        .setFollowRedirects(false)
        .putHeader("content-type", "application/json")
        .putHeader("webhook-id", id)
        .putHeader("webhook-timestamp", Long.toString(timestamp))
        .putHeader("webhook-signature", signature);
    long timeout = policy.attemptTimeout().toMillis();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
    return http.request(request)
        .compose(sent -> {
          // The whole attempt, answer included, within the timeout: past it the request is reset.
          long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
          long timer = vertx.setTimer(left, t -> sent.reset());
          return sent.send(body)
              .compose(response -> {
                response.handler(ignored -> { });
                return response.end().map(ended -> AttemptResult.answered(response.statusCode()));
              })
              .andThen(done -> vertx.cancelTimer(timer));
        })
        .otherwise(error -> AttemptResult.failed(System.nanoTime() - deadline >= 0
            ? "no answer within " + policy.attemptTimeout().toSeconds() + " s"
            : "the request failed: " + error.getClass().getSimpleName() + ": " + error.getMessage()));
  }

  Future<Void> close() {
    return http.close();
  }
}
