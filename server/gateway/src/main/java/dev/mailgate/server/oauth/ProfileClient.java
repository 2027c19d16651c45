package dev.mailgate.server.oauth;

import dev.mailgate.server.tracing.ProviderCalls;
import dev.mailgate.server.OutboundTimeouts;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;

/**
 * The cheapest authenticated call to an OAuth provider: its profile URL (Gmail
 * {@code users.getProfile}, Graph {@code /me}), read by the provider's {@link OAuthSignIn}. It
 * names the mailbox when a connection is made and proves the token works when one is checked.
 */
public final class ProfileClient {

  /** What the provider said: the mailbox address, or that the token was refused. */
  public record Profile(boolean authorized, String emailAddress) {}

  private final Vertx vertx;
  private final WebClient http;
  private final OutboundTimeouts timeouts;

  public ProfileClient(Vertx vertx, WebClient http, OutboundTimeouts timeouts) {
    this.vertx = vertx;
    this.http = http;
    this.timeouts = timeouts;
  }

  public Future<Profile> fetch(OAuthSignIn provider, String accessToken) {
    return ProviderCalls.traced(provider.kind().key(), "profile", () -> call(provider, accessToken));
  }

  private Future<Profile> call(OAuthSignIn provider, String accessToken) {
    Future<HttpResponse<Buffer>> call = http.getAbs(provider.endpoints().profileUrl())
        .bearerTokenAuthentication(accessToken)
        .connectTimeout(timeouts.connect().toMillis())
        .idleTimeout(timeouts.total().toMillis())
        .send();
    return timeouts.bound(vertx, call, "the provider")
        .recover(cause -> Future.failedFuture(cause instanceof GatewayException known ? known
            : unavailable("the provider could not be reached", cause)))
        .map(response -> {
          if (response.statusCode() == 401) {
            return new Profile(false, "");
          }
          if (response.statusCode() != 200) {
            throw unavailable("the provider answered HTTP " + response.statusCode(), null);
          }
          JsonObject body = response.bodyAsJsonObject();
          String email = provider.mailboxAddress().apply(body);
          return new Profile(true, email == null ? "" : email);
        });
  }

  private static GatewayException unavailable(String message, Throwable cause) {
    return GatewayException.retryable(Reason.PROVIDER_UNAVAILABLE, message, Duration.ofSeconds(5), cause);
  }
}
