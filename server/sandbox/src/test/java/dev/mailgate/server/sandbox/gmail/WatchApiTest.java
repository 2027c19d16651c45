package dev.mailgate.server.sandbox.gmail;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.client.googleapis.auth.oauth2.GoogleIdToken;
import com.google.api.client.googleapis.auth.oauth2.GoogleIdTokenVerifier;
import com.google.api.client.googleapis.auth.oauth2.GooglePublicKeysManager;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.WatchRequest;
import com.google.api.services.gmail.model.WatchResponse;
import dev.mailgate.server.testing.TestMail;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** users.watch and users.stop, and the Pub/Sub pushes a watched mailbox's changes cause. */
class WatchApiTest {

  private static final String TOPIC = "projects/mailgate-test/topics/gmail";
  private static final String AUDIENCE = "https://gateway.example/push/gmail";

  /** A push as the endpoint received it. */
  record Received(String authorization, JsonObject body) {}

  private SandboxServer server;
  private Vertx receiverVertx;
  private HttpServer receiver;
  private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final AtomicInteger failuresToAnswer = new AtomicInteger();
  private volatile long answerDelayMillis;
  private String ada;
  private Gmail gmail;

  @BeforeEach
  void start() throws Exception {
    server = new SandboxServer();
    receiverVertx = Vertx.vertx();
    receiver = receiverVertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      received.add(new Received(request.getHeader("authorization"), body.toJsonObject()));
      int status = failuresToAnswer.getAndDecrement() > 0 ? 503 : 204;
      receiverVertx.setTimer(1 + answerDelayMillis, t -> request.response().setStatusCode(status).end());
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    server.sandbox.pushTo("http://127.0.0.1:" + receiver.actualPort() + "/push/gmail", AUDIENCE);
    server.sandbox.pushInterval(Duration.ZERO);
    ada = SandboxServer.newAddress("ada");
    gmail = server.gmail(ada);
  }

  @AfterEach
  void stop() throws Exception {
    receiverVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    server.close();
  }

  private String deliver(String subject) {
    return server.sandbox.deliver(ada, TestMail.mail().subject(subject).bytes(), List.of("INBOX", "UNREAD"));
  }

  private WatchResponse watch() throws Exception {
    return gmail.users().watch("me", new WatchRequest().setTopicName(TOPIC)).execute();
  }

  private static JsonObject data(Received push) {
    String data = push.body().getJsonObject("message").getString("data");
    return new JsonObject(new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8));
  }

  @Test
  void watchAnswersTheCurrentHistoryIdAndAnExpirationSevenDaysAhead() throws Exception {
    deliver("before");
    long before = Instant.now().plus(Duration.ofDays(7)).toEpochMilli();

    WatchResponse watch = watch();

    assertThat(watch.getHistoryId()).isEqualTo(gmail.users().getProfile("me").execute().getHistoryId());
    assertThat(watch.getExpiration()).isBetween(before - 1000, Instant.now().plus(Duration.ofDays(7)).toEpochMilli());
  }

  @Test
  void aTopicNameNotOfTheFormProjectsTopicsIs400() {
    for (String topic : List.of("gmail", "projects/p/subscriptions/s", "projects//topics/t", "")) {
      GoogleJsonResponseException e = Assertions.catchThrowableOfType(GoogleJsonResponseException.class,
          () -> gmail.users().watch("me", new WatchRequest().setTopicName(topic)).execute());
      assertThat(e.getStatusCode()).as(topic).isEqualTo(400);
      assertThat(e.getDetails().getErrors().get(0).getReason()).isEqualTo("invalidArgument");
    }
    assertThat(Assertions.catchThrowableOfType(GoogleJsonResponseException.class,
        () -> gmail.users().watch("me", new WatchRequest().setTopicName(TOPIC).setLabelFilterBehavior("sometimes"))
            .execute()).getStatusCode()).isEqualTo(400);
  }

  @Test
  void aChangeOfAWatchedMailboxIsPushedInPubSubsEnvelopeWithAVerifiableToken() throws Exception {
    watch();
    deliver("hello");

    Received push = received.poll(10, TimeUnit.SECONDS);

    assertThat(push).isNotNull();
    JsonObject message = push.body().getJsonObject("message");
    assertThat(push.body().getString("subscription")).isEqualTo("projects/mailgate-test/subscriptions/gmail-push");
    assertThat(message.getString("messageId")).isNotEmpty().isEqualTo(message.getString("message_id"));
    assertThat(message.getString("publishTime")).isEqualTo(message.getString("publish_time"));
    assertThat(Instant.parse(message.getString("publishTime"))).isBefore(Instant.now().plusSeconds(1));
    assertThat(data(push).getString("emailAddress")).isEqualTo(ada);
    assertThat(data(push).getLong("historyId")).isEqualTo(gmail.users().getProfile("me").execute().getHistoryId().longValue());

    GoogleIdTokenVerifier verifier = new GoogleIdTokenVerifier.Builder(new GooglePublicKeysManager.Builder(
        new NetHttpTransport(), GsonFactory.getDefaultInstance())
        .setPublicCertsEncodedUrl(server.rootUrl() + "oauth2/v1/certs").build())
        .setAudience(List.of(AUDIENCE)).setIssuer("https://accounts.google.com").build();
    assertThat(push.authorization()).startsWith("Bearer ");
    GoogleIdToken token = verifier.verify(push.authorization().substring("Bearer ".length()));
    assertThat(token).isNotNull();
    assertThat(token.getPayload().getEmail()).isEqualTo(GmailSandbox.PUSH_SERVICE_ACCOUNT);
    assertThat(token.getPayload().getEmailVerified()).isTrue();
    assertThat(new GoogleIdTokenVerifier.Builder(verifier.getPublicKeysManager()).setAudience(List.of("https://other"))
        .build().verify(push.authorization().substring(7))).isNull();
  }

  @Test
  void theKeysAreAlsoPublishedAsAJwks() throws Exception {
    var connection = (java.net.HttpURLConnection) new java.net.URL(server.rootUrl() + "oauth2/v3/certs").openConnection();
    JsonObject jwks = new JsonObject(new String(connection.getInputStream().readAllBytes(), StandardCharsets.UTF_8));

    assertThat(connection.getHeaderField("cache-control")).contains("max-age=");
    assertThat(jwks.getJsonArray("keys").getJsonObject(0).getString("kty")).isEqualTo("RSA");
    assertThat(jwks.getJsonArray("keys").getJsonObject(0).getString("alg")).isEqualTo("RS256");
  }

  @Test
  void labelChangesAndDeletionsArePushedToo() throws Exception {
    String id = deliver("hello");
    watch();
    server.sandbox.modify(ada, id, List.of("STARRED"), List.of());
    server.sandbox.delete(ada, id);

    assertThat(received.poll(10, TimeUnit.SECONDS)).isNotNull();
    assertThat(received.poll(10, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void nothingIsPushedWithoutAWatchOrAfterStop() throws Exception {
    deliver("unwatched");
    watch();
    gmail.users().stop("me").execute();
    deliver("stopped");

    assertThat(received.poll(1, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void droppedPushesNeverArrive() throws Exception {
    watch();
    server.sandbox.dropPushes(true);
    deliver("lost");

    assertThat(received.poll(1, TimeUnit.SECONDS)).isNull();
    server.sandbox.dropPushes(false);
    deliver("found");
    assertThat(received.poll(10, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void aRefusedPushIsRetriedWithTheSameMessageUntilAcknowledged() throws Exception {
    watch();
    failuresToAnswer.set(2);
    deliver("retried");

    Received first = received.poll(10, TimeUnit.SECONDS);
    Received second = received.poll(10, TimeUnit.SECONDS);
    Received third = received.poll(10, TimeUnit.SECONDS);

    assertThat(third).isNotNull();
    assertThat(second.body().getJsonObject("message").getString("messageId"))
        .isEqualTo(first.body().getJsonObject("message").getString("messageId"))
        .isEqualTo(third.body().getJsonObject("message").getString("messageId"));
    assertThat(received.poll(500, TimeUnit.MILLISECONDS)).isNull();
    assertThat(server.sandbox.pushesAcknowledged()).isEqualTo(1);
  }

  @Test
  void aSlowEndpointDoesNotSlowTheChangeThatCausedThePush() throws Exception {
    String id = deliver("hello");
    watch();
    answerDelayMillis = 8000;

    long started = System.nanoTime();
    gmail.users().messages().modify("me", id, new com.google.api.services.gmail.model.ModifyMessageRequest()
        .setAddLabelIds(List.of("STARRED"))).execute();
    long tookMillis = (System.nanoTime() - started) / 1_000_000;

    assertThat(received.poll(10, TimeUnit.SECONDS)).isNotNull();
    assertThat(tookMillis).isLessThan(6000);
  }

  @Test
  void pushesOfOneMailboxWithinTheIntervalAreDroppedAsGmailDocuments() throws Exception {
    server.sandbox.pushInterval(Duration.ofSeconds(10));
    watch();
    deliver("one");
    deliver("two");

    assertThat(received.poll(10, TimeUnit.SECONDS)).isNotNull();
    assertThat(received.poll(500, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void aLabelFilterLimitsPushesToChangesConcerningItsLabels() throws Exception {
    String id = deliver("hello");
    gmail.users().watch("me", new WatchRequest().setTopicName(TOPIC).setLabelIds(List.of("STARRED"))
        .setLabelFilterBehavior("include")).execute();
    server.sandbox.modify(ada, id, List.of(), List.of("UNREAD"));
    assertThat(received.poll(1, TimeUnit.SECONDS)).isNull();

    server.sandbox.modify(ada, id, List.of("STARRED"), List.of());
    assertThat(received.poll(10, TimeUnit.SECONDS)).isNotNull();
  }
}
