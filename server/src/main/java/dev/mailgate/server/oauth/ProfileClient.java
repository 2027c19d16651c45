package dev.mailgate.server.oauth;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.store.ProviderKind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;

/**
 * The cheapest authenticated provider call: Gmail {@code users.getProfile} or Graph {@code /me}.
 * It names the mailbox when a connection is made and proves the token works when one is checked.
 */
public final class ProfileClient {

  /** What the provider said: the mailbox address, or that the token was refused. */
  public record Profile(boolean authorized, String emailAddress) {}

  private final WebClient http;

  public ProfileClient(WebClient http) {
    this.http = http;
  }

  public Future<Profile> fetch(ProviderKind provider, OAuthEndpoints endpoints, String accessToken) {
    return http.getAbs(endpoints.profileUrl())
        .bearerTokenAuthentication(accessToken)
        .timeout(10_000)
        .send()
        .recover(cause -> Future.failedFuture(unavailable("the provider could not be reached", cause)))
        .map(response -> {
          if (response.statusCode() == 401) {
            return new Profile(false, "");
          }
          if (response.statusCode() != 200) {
            throw unavailable("the provider answered HTTP " + response.statusCode(), null);
          }
          JsonObject body = response.bodyAsJsonObject();
          String email = provider == ProviderKind.GMAIL
              ? body.getString("emailAddress", "")
              : body.getString("mail", body.getString("userPrincipalName", ""));
          return new Profile(true, email);
        });
  }

  private static GatewayException unavailable(String message, Throwable cause) {
    return GatewayException.retryable(Reason.PROVIDER_UNAVAILABLE, message, Duration.ofSeconds(5), cause);
  }
}
