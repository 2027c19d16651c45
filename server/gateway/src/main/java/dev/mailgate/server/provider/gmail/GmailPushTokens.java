package dev.mailgate.server.provider.gmail;

import com.google.api.client.googleapis.auth.oauth2.GoogleIdToken;
import com.google.api.client.googleapis.auth.oauth2.GoogleIdTokenVerifier;
import com.google.api.client.googleapis.auth.oauth2.GooglePublicKeysManager;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;

/**
 * Verifies the OIDC token Pub/Sub signs each authenticated push with (Google's "Authenticate push
 * subscriptions"): RS256 by one of the keys Google publishes at the certs URL (fetched and cached
 * as its Cache-Control says, by google-api-client's GooglePublicKeysManager), issuer
 * accounts.google.com, the configured audience, unexpired, and a verified {@code email} claim that
 * is exactly the service account the push subscription authenticates as (anyone can have Google
 * sign a token for any audience with their own service account). Blocking (a key refresh is an
 * HTTP call): run it on a worker.
 */
final class GmailPushTokens {

  /** The issuers Google's ID tokens carry. */
  static final List<String> ISSUERS = List.of("https://accounts.google.com", "accounts.google.com");
  private static final long SKEW_SECONDS = 300;

  private final GoogleIdTokenVerifier verifier;
  private final String audience;
  private final String serviceAccount;

  /**
   * Tokens for {@code audience} of {@code serviceAccount}, signed by the keys at {@code certsUrl}
   * (PEM certificates by key id).
   */
  GmailPushTokens(String certsUrl, String audience, String serviceAccount) {
    GooglePublicKeysManager keys = new GooglePublicKeysManager.Builder(new NetHttpTransport(),
        GsonFactory.getDefaultInstance()).setPublicCertsEncodedUrl(certsUrl).build();
    this.verifier = new GoogleIdTokenVerifier.Builder(keys).setAudience(List.of(audience)).setIssuers(ISSUERS)
        .setAcceptableTimeSkewSeconds(SKEW_SECONDS).build();
    this.audience = audience;
    this.serviceAccount = serviceAccount;
  }

  /**
   * Why {@code token} is refused (for the log: never the token itself), or empty when it is good.
   *
   * @throws IOException when the keys cannot be fetched (the push should be retried, not refused)
   */
  Optional<String> refusal(String token) throws IOException {
    GoogleIdToken idToken;
    try {
      idToken = GoogleIdToken.parse(verifier.getJsonFactory(), token);
    } catch (IOException | RuntimeException notAJwt) {
      return Optional.of("not a signed JWT");
    }
    if (!idToken.verifyIssuer(ISSUERS)) {
      return Optional.of("issuer is not accounts.google.com");
    }
    if (!idToken.verifyAudience(List.of(audience))) {
      return Optional.of("audience is not this gateway's");
    }
    if (!idToken.verifyTime(System.currentTimeMillis(), SKEW_SECONDS)) {
      return Optional.of("expired or not yet valid");
    }
    try {
      if (!verifier.verify(idToken)) {
        return Optional.of("signature is not by Google's keys");
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read Google's signing keys", e);
    }
    if (!Boolean.TRUE.equals(idToken.getPayload().getEmailVerified())) {
      return Optional.of("service account email not verified");
    }
    if (!serviceAccount.equals(idToken.getPayload().getEmail())) {
      return Optional.of("email is not the push subscription's service account");
    }
    return Optional.empty();
  }
}
