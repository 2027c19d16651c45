package dev.mailgate.server.provider.gmail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.sandbox.gmail.GmailSandbox;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.watch.PushInbox;
import dev.mailgate.server.watch.PushSubscription;
import dev.mailgate.server.watch.WatchKey;
import dev.mailgate.server.watch.WatchPolicy;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Gmail push channel against the Gmail sandbox: users.watch and users.stop, and the
 * /push/gmail route on a Vert.x router taking the sandbox's Pub/Sub pushes and refusing forged,
 * misdirected, expired and malformed ones, and those of another service account or an unverified
 * email.
 */
class GmailPushChannelTest {

  private static final String TOPIC = "projects/mailgate-test/topics/gmail";
  private static final String AUDIENCE = "https://gateway.test/push/gmail";

  /** A PushInbox that knows one watched connection and records what it is told. */
  private static final class RecordingInbox implements PushInbox {
    final LinkedBlockingQueue<WatchKey> changed = new LinkedBlockingQueue<>();
    volatile String address;
    final WatchKey key = new WatchKey("acme", UUID.randomUUID());

    @Override
    public List<WatchKey> byAddress(ProviderKind kind, String emailAddress) {
      return kind == ProviderKind.GMAIL && emailAddress.equalsIgnoreCase(address) ? List.of(key) : List.of();
    }

    @Override
    public Optional<Subscribed> bySubscription(ProviderKind kind, String subscriptionId) {
      return Optional.empty();
    }

    @Override
    public void changed(WatchKey key) {
      changed.add(key);
    }

    @Override
    public void missed(WatchKey key) {
      throw new AssertionError("Gmail never says pushes were missed");
    }

    @Override
    public void resubscribe(WatchKey key) {
      throw new AssertionError("Gmail never asks for a resubscription");
    }

    @Override
    public void relay(ProviderKind kind, String payload) {
      relayed.add(payload);
    }

    final LinkedBlockingQueue<String> relayed = new LinkedBlockingQueue<>();
  }

  private GmailSandboxFixture fixture;
  private GmailPushChannel channel;
  private final RecordingInbox inbox = new RecordingInbox();
  private HttpServer gateway;
  private WebClient http;
  private MailboxCredential ada;

  @BeforeEach
  void start() throws Exception {
    fixture = new GmailSandboxFixture();
    WatchPolicy policy = new WatchPolicy(true, Duration.ofMinutes(2), Duration.ofSeconds(30), 8,
        Optional.of("https://gateway.test"), Optional.of(TOPIC), Optional.of(AUDIENCE),
        fixture.sandbox.baseUrl() + "/oauth2/v1/certs", Optional.of(GmailSandbox.PUSH_SERVICE_ACCOUNT),
        Duration.ofMinutes(15), 1_000);
    channel = new GmailPushChannel(fixture.vertx, policy, fixture.mail);
    Router router = Router.router(fixture.vertx);
    channel.mount(router, inbox);
    gateway = fixture.vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
    http = WebClient.create(fixture.vertx);
    ada = fixture.newMailbox("ada");
    inbox.address = ada.emailAddress();
    fixture.gmail().pushTo(pushUrl(), AUDIENCE);
  }

  @AfterEach
  void stop() throws Exception {
    channel.close().await(10, TimeUnit.SECONDS);
    fixture.close();
  }

  private String pushUrl() {
    return "http://127.0.0.1:" + gateway.actualPort() + GmailPushChannel.PATH;
  }

  private void deliver(String subject) {
    String rfc822 = "From: grace@example.org\r\nTo: " + ada.emailAddress() + "\r\nSubject: " + subject + "\r\n\r\nhi\r\n";
    fixture.gmail().deliver(ada.emailAddress(), rfc822.getBytes(StandardCharsets.US_ASCII), List.of("INBOX", "UNREAD"));
  }

  private static String envelope(String notification) {
    String data = Base64.getEncoder().encodeToString(notification.getBytes(StandardCharsets.UTF_8));
    return new JsonObject().put("message", new JsonObject().put("data", data).put("messageId", "1").put("message_id", "1")
        .put("publishTime", "2026-12-02T10:00:00.000Z").put("publish_time", "2026-12-02T10:00:00.000Z"))
        .put("subscription", "projects/mailgate-test/subscriptions/gmail-push").encode();
  }

  private String notificationOf(String address) {
    return new JsonObject().put("emailAddress", address).put("historyId", 1234).encode();
  }

  private HttpResponse<Buffer> post(String authorization, String body) throws Exception {
    var request = http.postAbs(pushUrl()).putHeader("content-type", "application/json");
    if (authorization != null) {
      request.putHeader("authorization", authorization);
    }
    return request.sendBuffer(Buffer.buffer(body)).await(30, TimeUnit.SECONDS);
  }

  private String validToken() {
    return fixture.gmail().pushToken(AUDIENCE, Instant.now(), Instant.now().plusSeconds(3600));
  }

  private void assertNothingReachedTheInbox() throws Exception {
    assertThat(inbox.changed.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void availableOnlyWithAPublicUrlATopicAndAServiceAccount() {
    assertThat(channel.available()).isTrue();
    assertThat(new GmailPushChannel(fixture.vertx, WatchPolicy.DEFAULT, fixture.mail).available()).isFalse();
    assertThat(new GmailPushChannel(fixture.vertx, WatchPolicy.DEFAULT.withPush("https://g.test", Optional.empty(),
        WatchPolicy.GOOGLE_CERTS_URL), fixture.mail).available()).isFalse();
    WatchPolicy withTopic = WatchPolicy.DEFAULT.withPush("https://g.test", Optional.of(TOPIC), WatchPolicy.GOOGLE_CERTS_URL);
    assertThat(new GmailPushChannel(fixture.vertx, withTopic, fixture.mail).available())
        .as("without the push subscription's service account any Google-signed token would do: no push").isFalse();
    assertThat(new GmailPushChannel(fixture.vertx, withTopic.withGmailPushServiceAccount(" "), fixture.mail).available())
        .isFalse();
    assertThat(new GmailPushChannel(fixture.vertx, withTopic.withGmailPushServiceAccount(GmailSandbox.PUSH_SERVICE_ACCOUNT),
        fixture.mail).available()).isTrue();
  }

  @Test
  void aSubscribedMailboxsChangeReachesTheInboxThroughARealSandboxPush() throws Exception {
    PushSubscription subscription = channel.subscribe(inbox.key, ada, Optional.empty()).await(30, TimeUnit.SECONDS);
    deliver("hello");

    assertThat(inbox.changed.poll(10, TimeUnit.SECONDS)).isEqualTo(inbox.key);
    assertThat(subscription.id()).isEmpty();
    Instant expiration = Instant.ofEpochMilli(Long.parseLong(subscription.state()));
    assertThat(expiration).isBetween(Instant.now().plus(Duration.ofDays(7)).minusSeconds(60),
        Instant.now().plus(Duration.ofDays(7)));
    assertThat(subscription.renewAt()).isBetween(Instant.now().plus(Duration.ofHours(23)),
        Instant.now().plus(Duration.ofDays(1)).plusSeconds(1));
    // The inbox hears of it before the 204 reaches the sandbox: wait for the acknowledgement.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (fixture.gmail().pushesAcknowledged() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(fixture.gmail().pushesAcknowledged()).isEqualTo(1);
  }

  @Test
  void afterUnsubscribeNothingIsPushed() throws Exception {
    PushSubscription subscription = channel.subscribe(inbox.key, ada, Optional.empty()).await(30, TimeUnit.SECONDS);
    channel.unsubscribe(ada, subscription).await(30, TimeUnit.SECONDS);
    deliver("unwatched");

    assertThat(inbox.changed.poll(1, TimeUnit.SECONDS)).isNull();
    assertThat(fixture.gmail().calls("POST", "/stop")).isEqualTo(1);
  }

  @Test
  void aValidPushForAnAddressNobodyWatchesIsAcknowledgedAndReachesNoOne() throws Exception {
    HttpResponse<Buffer> answer = post("Bearer " + validToken(), envelope(notificationOf("nobody@gmail.test")));

    assertThat(answer.statusCode()).isEqualTo(204);
    assertNothingReachedTheInbox();
  }

  @Test
  void aPushWithoutABearerTokenIs401() throws Exception {
    assertThat(post(null, envelope(notificationOf(ada.emailAddress()))).statusCode()).isEqualTo(401);
    assertThat(post("Basic dXNlcjpwYXNz", envelope(notificationOf(ada.emailAddress()))).statusCode()).isEqualTo(401);
    assertNothingReachedTheInbox();
  }

  @Test
  void aTokenSignedByAnotherKeyIsRefused() throws Exception {
    String forged = forge(new JsonObject().put("iss", "https://accounts.google.com").put("aud", AUDIENCE)
        .put("email", "gmail-push@mailgate-sandbox.iam.gserviceaccount.com").put("email_verified", true)
        .put("iat", Instant.now().getEpochSecond()).put("exp", Instant.now().plusSeconds(3600).getEpochSecond()));

    assertThat(post("Bearer " + forged, envelope(notificationOf(ada.emailAddress()))).statusCode()).isEqualTo(403);
    assertThat(post("Bearer not.a.jwt", envelope(notificationOf(ada.emailAddress()))).statusCode()).isEqualTo(403);
    assertNothingReachedTheInbox();
  }

  @Test
  void aGoogleSignedTokenForAnotherAudienceIsRefused() throws Exception {
    String other = fixture.gmail().pushToken("https://elsewhere.test/push", Instant.now(), Instant.now().plusSeconds(3600));

    assertThat(post("Bearer " + other, envelope(notificationOf(ada.emailAddress()))).statusCode()).isEqualTo(403);
    assertNothingReachedTheInbox();
  }

  @Test
  void aGoogleSignedTokenOfAnotherServiceAccountIsRefused() throws Exception {
    String stranger = fixture.gmail().pushToken(AUDIENCE, "pusher@another-project.iam.gserviceaccount.com", true,
        Instant.now(), Instant.now().plusSeconds(3600));

    assertThat(post("Bearer " + stranger, envelope(notificationOf(ada.emailAddress()))).statusCode()).isEqualTo(403);
    assertNothingReachedTheInbox();
  }

  @Test
  void aTokenWhoseEmailIsNotVerifiedIsRefused() throws Exception {
    String unverified = fixture.gmail().pushToken(AUDIENCE, GmailSandbox.PUSH_SERVICE_ACCOUNT, false,
        Instant.now(), Instant.now().plusSeconds(3600));

    assertThat(post("Bearer " + unverified, envelope(notificationOf(ada.emailAddress()))).statusCode()).isEqualTo(403);
    assertNothingReachedTheInbox();
  }

  @Test
  void anExpiredTokenIsRefused() throws Exception {
    String expired = fixture.gmail().pushToken(AUDIENCE, Instant.now().minus(Duration.ofHours(2)),
        Instant.now().minus(Duration.ofHours(1)));

    assertThat(post("Bearer " + expired, envelope(notificationOf(ada.emailAddress()))).statusCode()).isEqualTo(403);
    assertNothingReachedTheInbox();
  }

  @Test
  void aMalformedBodyWithAValidTokenIs400() throws Exception {
    String token = "Bearer " + validToken();
    List<String> bodies = List.of("", "not json", "[]", "{}", "{\"message\":{}}", "{\"message\":{\"data\":\"%%%\"}}",
        envelope("not json"), envelope("{\"historyId\":1}"), envelope("{\"emailAddress\":\"\",\"historyId\":1}"),
        envelope("{\"emailAddress\":\"a@b.c\"}"), "{\"message\":{\"data\":42}}");
    for (String body : bodies) {
      assertThat(post(token, body).statusCode()).as(body).isEqualTo(400);
    }
    assertNothingReachedTheInbox();
  }

  @Test
  void aValidPushNamesTheMailboxByAddressInAnyCase() throws Exception {
    HttpResponse<Buffer> answer = post("Bearer " + validToken(), envelope(notificationOf(ada.emailAddress().toUpperCase())));

    assertThat(answer.statusCode()).isEqualTo(204);
    assertThat(inbox.changed.poll(5, TimeUnit.SECONDS)).isEqualTo(inbox.key);
  }

  /** A token like Pub/Sub's, signed by a key Google never published. */
  private static String forge(JsonObject claims) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    var keys = generator.generateKeyPair();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String input = b64.encodeToString("{\"alg\":\"RS256\",\"kid\":\"forged\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
        + "." + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    Signature rs256 = Signature.getInstance("SHA256withRSA");
    rs256.initSign(keys.getPrivate());
    rs256.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + b64.encodeToString(rs256.sign());
  }
}
