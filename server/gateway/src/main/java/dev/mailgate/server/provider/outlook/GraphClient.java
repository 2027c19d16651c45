package dev.mailgate.server.provider.outlook;

import dev.mailgate.server.OutboundTimeouts;
import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.ProviderErrors;
import dev.mailgate.server.mail.ProviderUnauthorizedException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Microsoft Graph over the non-blocking Vert.x WebClient: at most 4 requests in flight per
 * mailbox (and a bounded number waiting), each attempt within the total outbound timeout, 429 and
 * 503 wait the server's {@code Retry-After} and try again (twice, since Graph has not acted on a
 * throttled request; never for the call that sends, {@link #sendOnce}), and Graph's errors become
 * gateway reasons (401 asks for a refresh, 404 is MESSAGE_NOT_FOUND). Every request asks for
 * immutable ids ({@code Prefer: IdType="ImmutableId"}): an id the gateway hands out stays valid when
 * the item moves, and a draft keeps its id when it is sent and filed in Sent Items.
 */
final class GraphClient {

  /** One request to make: method, path (or a full nextLink URL), query, headers, body. */
  record Call(HttpMethod method, String path, Map<String, String> query, Map<String, String> headers, Object body) {
    static Call get(String path, Map<String, String> query) {
      return new Call(HttpMethod.GET, path, query, Map.of(), null);
    }
  }

  static final String IMMUTABLE_IDS = "IdType=\"ImmutableId\"";
  private static final int ATTEMPTS = 3;
  private static final long MAX_WAIT_MILLIS = 10_000;

  private final Vertx vertx;
  private final WebClient http;
  private final String rootUrl;
  private final OutboundTimeouts timeouts;
  private final InFlightLimiter limiter;

  GraphClient(Vertx vertx, WebClient http, String rootUrl, OutboundTimeouts timeouts, int waitingPerMailbox) {
    this.vertx = vertx;
    this.http = http;
    this.rootUrl = rootUrl.endsWith("/") ? rootUrl.substring(0, rootUrl.length() - 1) : rootUrl;
    this.timeouts = timeouts;
    this.limiter = new InFlightLimiter(4, waitingPerMailbox);
  }

  Future<JsonObject> json(MailboxCredential mailbox, Call call) {
    return send(mailbox, call).map(response -> response.body() == null || response.body().length() == 0
        ? new JsonObject() : response.bodyAsJsonObject());
  }

  Future<HttpResponse<Buffer>> send(MailboxCredential mailbox, Call call) {
    if (!url(call).startsWith(rootUrl + "/")) {
      // Only a nextLink Graph gave us is a full URL; the mailbox's token never goes anywhere else.
      return Future.failedFuture(GatewayException.invalid(List.of(new FieldViolation("page_token",
          "is not a page token returned by this method for these arguments"))));
    }
    return attempt(mailbox, call, 1);
  }

  private String url(Call call) {
    return call.path().startsWith("/") ? rootUrl + call.path() : call.path();
  }

  /**
   * The one request that sends: made once, never retried (not even after a 429 or 503), and only
   * if {@code check} passes once the request's turn has come (after the per-mailbox queue).
   */
  Future<HttpResponse<Buffer>> sendOnce(MailboxCredential mailbox, Call call, Runnable check) {
    return timeouts.bound(vertx, limiter.run(mailbox.emailAddress(), () -> {
      try {
        check.run();
      } catch (RuntimeException tooLate) {
        return Future.<HttpResponse<Buffer>>failedFuture(tooLate);
      }
      return request(mailbox, call);
    }), "Microsoft Graph")
        .recover(failure -> Future.failedFuture(failure instanceof GatewayException known ? known
            : GatewayException.retryable(Reason.PROVIDER_UNAVAILABLE, "Microsoft Graph could not be reached",
                Duration.ofSeconds(5), failure)))
        .compose(response -> response.statusCode() < 300 ? Future.succeededFuture(response)
            : Future.failedFuture(error(response)));
  }

  private Future<HttpResponse<Buffer>> attempt(MailboxCredential mailbox, Call call, int attempt) {
    // One attempt, its wait for a place among the mailbox's requests included, within the total timeout.
    return timeouts.bound(vertx, limiter.run(mailbox.emailAddress(), () -> request(mailbox, call)), "Microsoft Graph")
        .recover(failure -> Future.failedFuture(failure instanceof GatewayException known ? known
            : GatewayException.retryable(Reason.PROVIDER_UNAVAILABLE, "Microsoft Graph could not be reached",
                Duration.ofSeconds(5), failure)))
        .compose(response -> {
          int status = response.statusCode();
          if (status < 300) {
            return Future.succeededFuture(response);
          }
          if ((status == 429 || status == 503) && attempt < ATTEMPTS) {
            long wait = Math.min(retryAfter(response).toMillis(), MAX_WAIT_MILLIS);
            return vertx.timer(Math.max(wait, 1)).compose(v -> attempt(mailbox, call, attempt + 1));
          }
          return Future.failedFuture(error(response));
        });
  }

  private Future<HttpResponse<Buffer>> request(MailboxCredential mailbox, Call call) {
    String url = url(call);
    HttpRequest<Buffer> request = http.requestAbs(call.method(), url)
        .bearerTokenAuthentication(mailbox.credential())
        .connectTimeout(timeouts.connect().toMillis())
        .idleTimeout(timeouts.total().toMillis());
    request.headers().add("Prefer", IMMUTABLE_IDS);
    call.query().forEach(request::addQueryParam);
    call.headers().forEach(request::putHeader);
    if (call.body() instanceof JsonObject json) {
      return request.sendJsonObject(json);
    }
    if (call.body() instanceof Buffer buffer) {
      return request.sendBuffer(buffer);
    }
    return request.send();
  }

  private static RuntimeException error(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    String code = "";
    String message = "";
    try {
      JsonObject body = response.bodyAsJsonObject();
      JsonObject error = body == null ? new JsonObject() : body.getJsonObject("error", new JsonObject());
      code = error.getString("code", "");
      message = error.getString("message", "");
    } catch (RuntimeException notJson) {
      // keep the status alone
    }
    if (status == 410 || code.equalsIgnoreCase("syncStateNotFound")) {
      // Only delta links expire: Graph no longer has the sync state they point into.
      return new SyncStateNotFoundException();
    }
    if (code.equals("ErrorInvalidIdMalformed")) {
      // An id that cannot exist is not found, like one that does not exist.
      return new GatewayException(Reason.MESSAGE_NOT_FOUND, "the message, folder or attachment was not found");
    }
    return switch (status) {
      case 401 -> new ProviderUnauthorizedException();
      case 404 -> new GatewayException(Reason.MESSAGE_NOT_FOUND, "the message, folder or attachment was not found");
      case 429 -> GatewayException.retryable(Reason.PROVIDER_RATE_LIMITED, "Microsoft Graph is throttling this mailbox",
          retryAfter(response), null);
      // ErrorAccessDenied, Authorization_RequestDenied: the grant lacks a permission, or a policy forbids the call.
      case 403 -> ProviderErrors.permissionDenied("Microsoft Graph", status, code, message);
      case 400 -> ProviderErrors.badRequest("Microsoft Graph", status, code, message);
      default -> status >= 500
          ? GatewayException.retryable(Reason.PROVIDER_UNAVAILABLE, "Microsoft Graph is unavailable", retryAfter(response), null)
          : ProviderErrors.unexpected("Microsoft Graph", status, code, message);
    };
  }

  private static Duration retryAfter(HttpResponse<Buffer> response) {
    MultiMap headers = response.headers();
    try {
      String value = headers.get("retry-after");
      return value == null ? Duration.ofSeconds(5) : Duration.ofSeconds(Long.parseLong(value.trim()));
    } catch (NumberFormatException notSeconds) {
      return Duration.ofSeconds(5);
    }
  }
}
