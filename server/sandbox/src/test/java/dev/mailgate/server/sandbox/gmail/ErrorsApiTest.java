package dev.mailgate.server.sandbox.gmail;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.services.gmail.Gmail;
import java.time.Duration;
import java.time.Instant;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Errors in Google's format, as the client sees them: not found, auth, delegation, injected failures. */
class ErrorsApiTest {

  private SandboxServer server;
  private String ada;
  private Gmail gmail;

  @BeforeEach
  void start() throws Exception {
    server = new SandboxServer();
    ada = SandboxServer.newAddress("ada");
    gmail = server.gmail(ada);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private static GoogleJsonResponseException failure(ThrowingCallable call) {
    return Assertions.catchThrowableOfType(GoogleJsonResponseException.class, call);
  }

  @Test
  void unknownMessageIs404NotFoundInGooglesFormat() {
    GoogleJsonResponseException e = failure(() -> gmail.users().messages().get("me", "0123456789abcdef").execute());

    assertThat(e.getStatusCode()).isEqualTo(404);
    assertThat(e.getDetails().getCode()).isEqualTo(404);
    assertThat(e.getDetails().getMessage()).isEqualTo("Requested entity was not found.");
    assertThat(e.getDetails().getErrors().get(0).getReason()).isEqualTo("notFound");
    assertThat(e.getDetails().getErrors().get(0).getDomain()).isEqualTo("global");
    assertThat(e.getDetails().get("status")).isEqualTo("NOT_FOUND");
  }

  @Test
  void malformedMessageIdIs400InvalidArgument() {
    GoogleJsonResponseException e = failure(() -> gmail.users().messages().get("me", "not-an-id").execute());

    assertThat(e.getStatusCode()).isEqualTo(400);
    assertThat(e.getDetails().getErrors().get(0).getReason()).isEqualTo("invalidArgument");
    assertThat(e.getDetails().get("status")).isEqualTo("INVALID_ARGUMENT");
  }

  @Test
  void queued429CarriesRetryAfterAndTheNextCallSucceeds() throws Exception {
    server.sandbox.failNext(1, 429, "rateLimitExceeded");

    GoogleJsonResponseException e = failure(() -> gmail.users().getProfile("me").execute());

    assertThat(e.getStatusCode()).isEqualTo(429);
    assertThat(e.getHeaders().getRetryAfter()).isEqualTo("2");
    assertThat(e.getDetails().getErrors().get(0).getReason()).isEqualTo("rateLimitExceeded");
    assertThat(e.getDetails().get("status")).isEqualTo("RESOURCE_EXHAUSTED");
    assertThat(gmail.users().getProfile("me").execute().getEmailAddress()).isEqualTo(ada);
  }

  @Test
  void queuedInsufficientScopeIs403InGooglesShape() {
    server.sandbox.failNext(1, 403, "insufficientPermissions");

    GoogleJsonResponseException e = failure(() -> gmail.users().labels().list("me").execute());

    assertThat(e.getStatusCode()).isEqualTo(403);
    assertThat(e.getDetails().getMessage()).isEqualTo("Request had insufficient authentication scopes.");
    assertThat(e.getDetails().getErrors().get(0).getReason()).isEqualTo("insufficientPermissions");
    assertThat(e.getDetails().getErrors().get(0).getMessage()).isEqualTo("Insufficient Permission");
    assertThat(e.getDetails().get("status")).isEqualTo("PERMISSION_DENIED");
    assertThat(e.getDetails().getDetails()).singleElement()
        .satisfies(detail -> assertThat(detail.getReason()).isEqualTo("ACCESS_TOKEN_SCOPE_INSUFFICIENT"));
    assertThat(e.getHeaders().getAuthenticate()).contains("error=\"insufficient_scope\"");
  }

  @Test
  void queuedFailuresApplyToTheGivenNumberOfCallsWithTheirReasons() throws Exception {
    server.sandbox.failNext(2, 503, "backendError");
    GoogleJsonResponseException first = failure(() -> gmail.users().labels().list("me").execute());
    GoogleJsonResponseException second = failure(() -> gmail.users().messages().list("me").execute());
    server.sandbox.failNext(1, 403, "userRateLimitExceeded");
    GoogleJsonResponseException third = failure(() -> gmail.users().getProfile("me").execute());

    assertThat(first.getStatusCode()).isEqualTo(503);
    assertThat(second.getDetails().get("status")).isEqualTo("UNAVAILABLE");
    assertThat(second.getDetails().getErrors().get(0).getReason()).isEqualTo("backendError");
    assertThat(third.getStatusCode()).isEqualTo(403);
    assertThat(third.getDetails().getErrors().get(0).getReason()).isEqualTo("userRateLimitExceeded");
    assertThat(third.getDetails().get("status")).isEqualTo("PERMISSION_DENIED");
    assertThat(gmail.users().labels().list("me").execute().getLabels()).isNotEmpty();
  }

  @Test
  void missingTokenIs401WithWwwAuthenticate() {
    GoogleJsonResponseException e = failure(() -> server.anonymous().users().getProfile("me").execute());

    assertThat(e.getStatusCode()).isEqualTo(401);
    assertThat(e.getHeaders().getAuthenticate()).startsWith("Bearer realm=\"https://accounts.google.com/\"");
    assertThat(e.getDetails().get("status")).isEqualTo("UNAUTHENTICATED");
    assertThat(e.getDetails().getErrors().get(0).getReason()).isEqualTo("required");
  }

  @Test
  void expiredTokenIs401AuthError() {
    String expired = SandboxServer.token(ada, Instant.now().minusSeconds(60));
    Gmail stale = server.client(request -> request.getHeaders().setAuthorization("Bearer " + expired));

    GoogleJsonResponseException e = failure(() -> stale.users().getProfile("me").execute());

    assertThat(e.getStatusCode()).isEqualTo(401);
    assertThat(e.getDetails().getErrors().get(0).getReason()).isEqualTo("authError");
    assertThat(e.getHeaders().getAuthenticate()).contains("error=\"invalid_token\"");
  }

  @Test
  void anotherUsersMailboxIsDelegationDenied() throws Exception {
    GoogleJsonResponseException e = failure(() -> gmail.users().getProfile("grace@example.org").execute());

    assertThat(e.getStatusCode()).isEqualTo(403);
    assertThat(e.getDetails().getMessage()).isEqualTo("Delegation denied for grace@example.org");
    assertThat(gmail.users().getProfile(ada).execute().getEmailAddress()).isEqualTo(ada);
  }

  @Test
  void methodTheSandboxLacksIs404SayingSo() {
    GoogleJsonResponseException e = failure(() -> gmail.users().settings().getVacation("me").execute());

    assertThat(e.getStatusCode()).isEqualTo(404);
    assertThat(e.getDetails().getMessage()).contains("GET /gmail/v1/users/me/settings/vacation");
  }

  @Test
  void latencyDelaysEveryAnswer() throws Exception {
    server.sandbox.latency(Duration.ofMillis(300));
    long started = System.nanoTime();

    gmail.users().getProfile("me").execute();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void callsCountRequestsByMethodAndPathSuffix() throws Exception {
    gmail.users().getProfile("me").execute();
    gmail.users().labels().list("me").execute();
    gmail.users().labels().list("me").execute();

    assertThat(server.sandbox.calls("GET", "/labels")).isEqualTo(2);
    assertThat(server.sandbox.calls("GET", "/profile")).isEqualTo(1);
    assertThat(server.sandbox.calls("POST", "/labels")).isZero();
  }
}
