package dev.mailgate.server;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * How long the gateway waits on the network for anyone else: OAuth token, refresh and revocation
 * calls, profile checks, Gmail, Microsoft Graph, IMAP and SMTP. Every outbound call gets both
 * bounds from here, and no database transaction waits on the network longer than {@link #total}.
 *
 * @param connect how long opening a connection (TCP and TLS) may take
 * @param total how long one call may take from start to answer; for blocking clients it is also
 *     the read (socket) timeout, so one stalled read cannot outlast it
 */
public record OutboundTimeouts(Duration connect, Duration total) {

  /** 5 s to connect, 30 s in all. */
  public static final OutboundTimeouts DEFAULT = new OutboundTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30));

  public OutboundTimeouts {
    if (connect.isNegative() || connect.isZero() || total.isNegative() || total.isZero()) {
      throw new IllegalArgumentException("outbound timeouts must be positive");
    }
    if (connect.compareTo(total) > 0) {
      throw new IllegalArgumentException("the connect timeout (" + connect + ") exceeds the total (" + total + ")");
    }
  }

  /** How long a caller is told to wait before trying a call that timed out again. */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  /**
   * {@code call}, failed with UNAVAILABLE / PROVIDER_UNAVAILABLE (and a RetryInfo) if it has not
   * completed within {@link #total}. For clients that have no per-request timeout of their own
   * (vertx-auth-oauth2); the late answer, if any, is dropped.
   */
  public <T> Future<T> bound(Vertx vertx, Future<T> call, String server) {
    Promise<T> result = Promise.promise();
    long timer = vertx.setTimer(total.toMillis(), id -> result.tryFail(timedOut(server)));
    call.onComplete(done -> {
      vertx.cancelTimer(timer);
      if (done.succeeded()) {
        result.tryComplete(done.result());
      } else {
        result.tryFail(done.cause());
      }
    });
    return result.future();
  }

  /** The failure of a call to {@code server} that did not answer within {@link #total}. */
  public GatewayException timedOut(String server) {
    return GatewayException.retryable(Reason.PROVIDER_UNAVAILABLE,
        server + " did not answer within " + total.toMillis() + " ms", RETRY_AFTER, null);
  }

  public int connectMillis() {
    return (int) Math.min(Integer.MAX_VALUE, connect.toMillis());
  }

  public int totalMillis() {
    return (int) Math.min(Integer.MAX_VALUE, total.toMillis());
  }
}
