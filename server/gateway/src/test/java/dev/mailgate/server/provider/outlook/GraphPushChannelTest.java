package dev.mailgate.server.provider.outlook;

import static dev.mailgate.server.provider.outlook.GraphSandboxFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.watch.PushChannel;
import dev.mailgate.server.watch.PushInbox;
import dev.mailgate.server.watch.PushSubscription;
import dev.mailgate.server.watch.WatchKey;
import dev.mailgate.server.watch.WatchPolicy;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Outlook push through the Graph sandbox: subscribing passes Graph's validation handshake at the
 * mounted routes, a real notification reaches the inbox, a wrong clientState or an unknown
 * subscription reach nothing, lifecycle events map to missed and resubscribe, renewal and
 * re-creation of a subscription Graph no longer has.
 */
class GraphPushChannelTest {

  private static GraphSandboxFixture graph;
  private static PushChannel push;
  private static final RecordingInbox inbox = new RecordingInbox();

  private MailboxCredential mailbox;
  private WatchKey key;

  /** A PushInbox that records what the routes hand it; subscriptions as the watcher would store them. */
  static final class RecordingInbox implements PushInbox {
    final Map<String, Subscribed> subscriptions = new ConcurrentHashMap<>();
    final List<WatchKey> changed = new CopyOnWriteArrayList<>();
    final List<WatchKey> missed = new CopyOnWriteArrayList<>();
    final List<WatchKey> resubscribe = new CopyOnWriteArrayList<>();
    final List<String> relayed = new CopyOnWriteArrayList<>();

    void store(WatchKey key, PushSubscription subscription) {
      subscriptions.put(subscription.id().orElseThrow(), new Subscribed(key, subscription));
    }

    @Override
    public List<WatchKey> byAddress(ProviderKind kind, String emailAddress) {
      return List.of();
    }

    @Override
    public Optional<Subscribed> bySubscription(ProviderKind kind, String subscriptionId) {
      return kind == ProviderKind.OUTLOOK ? Optional.ofNullable(subscriptions.get(subscriptionId)) : Optional.empty();
    }

    @Override
    public void changed(WatchKey key) {
      changed.add(key);
    }

    @Override
    public void missed(WatchKey key) {
      missed.add(key);
    }

    @Override
    public void resubscribe(WatchKey key) {
      resubscribe.add(key);
    }

    @Override
    public void relay(ProviderKind kind, String payload) {
      relayed.add(payload);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    graph = new GraphSandboxFixture();
    WatchPolicy policy = WatchPolicy.DEFAULT.withPush(graph.rootUrl, Optional.empty(), WatchPolicy.GOOGLE_CERTS_URL);
    push = new GraphPushChannel(graph.provider, policy);
    push.mount(graph.router, inbox);
  }

  @AfterAll
  static void stop() throws Exception {
    graph.close();
  }

  @BeforeEach
  void connect() {
    mailbox = graph.newMailbox("ada");
    key = new WatchKey("acme", UUID.randomUUID());
    inbox.changed.clear();
    inbox.missed.clear();
    inbox.resubscribe.clear();
    inbox.relayed.clear();
  }

  private void deliver() {
    graph.sandbox.deliver(mailbox.emailAddress(),
        Mailboxes.mail("grace@example.org", mailbox.emailAddress(), "push", "x", "", null), "inbox");
  }

  private PushSubscription subscribed() {
    PushSubscription subscription = await(push.subscribe(key, mailbox, Optional.empty()));
    inbox.store(key, subscription);
    return subscription;
  }

  private static void eventually(Supplier<Boolean> condition) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.get() && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertThat(condition.get()).as("within 30 s").isTrue();
  }

  private HttpResponse<Buffer> post(String path, String body) {
    return await(graph.http.postAbs(graph.rootUrl + path).putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body)));
  }

  @Test
  void isAvailableOnlyWithAPublicUrl() {
    assertThat(push.available()).isTrue();
    assertThat(new GraphPushChannel(graph.provider, WatchPolicy.DEFAULT).available()).isFalse();
  }

  @Test
  void subscribingPassesTheHandshakeAndANotificationReachesTheInbox() throws Exception {
    PushSubscription subscription = subscribed();

    assertThat(graph.sandbox.subscriptionIds(mailbox.emailAddress())).containsExactly(subscription.id().orElseThrow());
    assertThat(subscription.state()).doesNotContain(mailbox.credential());
    assertThat(subscription.renewAt()).isBetween(Instant.now().plus(Duration.ofHours(40)),
        Instant.now().plus(Duration.ofHours(48)));
    deliver();
    eventually(() -> inbox.changed.contains(key));
  }

  @Test
  void theValidationTokenIsEchoedAsEscapedPlainText() {
    HttpResponse<Buffer> answer = await(graph.http.postAbs(graph.rootUrl + "/push/graph")
        .addQueryParam("validationToken", "Validation: <script>&").send());
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.getHeader("content-type")).startsWith("text/plain");
    assertThat(answer.bodyAsString()).isEqualTo("Validation: &lt;script&gt;&amp;");
    assertThat(await(graph.http.postAbs(graph.rootUrl + "/push/graph/lifecycle")
        .addQueryParam("validationToken", "abc").send()).bodyAsString()).isEqualTo("abc");
  }

  @Test
  void aWrongClientStateOrAnUnknownSubscriptionReachesNothing() throws Exception {
    PushSubscription real = await(push.subscribe(key, mailbox, Optional.empty()));
    String id = real.id().orElseThrow();
    String genuine = GraphPushChannel.SubscriptionState.decode(real.state()).orElseThrow().clientState();
    inbox.store(key, new PushSubscription(real.id(),
        new GraphPushChannel.SubscriptionState("another-secret", Instant.now().plusSeconds(3600)).encode(),
        real.renewAt()));

    // Graph's own notification, as its sandbox sends it, but the secret the watcher stored is another.
    HttpResponse<Buffer> stale = post("/push/graph", notification(id, genuine));
    HttpResponse<Buffer> forged = post("/push/graph", notification(id, "guess"));
    HttpResponse<Buffer> unknown = post("/push/graph", notification(UUID.randomUUID().toString(), "guess"));

    assertThat(List.of(stale.statusCode(), forged.statusCode(), unknown.statusCode())).containsOnly(202);
    inbox.store(key, real);
    assertThat(post("/push/graph", notification(id, genuine)).statusCode()).isEqualTo(202);
    eventually(() -> inbox.changed.contains(key));
    assertThat(inbox.changed).containsExactly(key);
  }

  @Test
  void aNotificationForASubscriptionWatchedElsewhereIsRelayedWithoutItsSecretAndCheckedWhereItIsWatched()
      throws Exception {
    PushSubscription real = await(push.subscribe(key, mailbox, Optional.empty()));
    String id = real.id().orElseThrow();
    String genuine = GraphPushChannel.SubscriptionState.decode(real.state()).orElseThrow().clientState();

    // This node does not watch the subscription: the notification goes to the other nodes.
    assertThat(post("/push/graph", notification(id, genuine)).statusCode()).isEqualTo(202);
    assertThat(post("/push/graph", notification(id, "guess")).statusCode()).isEqualTo(202);
    eventually(() -> inbox.relayed.size() == 2);
    assertThat(inbox.relayed).allMatch(payload -> payload.startsWith("CHANGED " + id + " "))
        .noneMatch(payload -> payload.contains(genuine));
    assertThat(inbox.changed).isEmpty();

    // The node that watches it: only the relayed notification with the right clientState reaches it.
    inbox.store(key, real);
    push.relayed(inbox.relayed.get(1));
    assertThat(inbox.changed).isEmpty();
    push.relayed(inbox.relayed.get(0));
    push.relayed("CHANGED " + id + " not-base64!");
    assertThat(inbox.changed).containsExactly(key);
  }

  private static String notification(String subscriptionId, String clientState) {
    return new JsonObject().put("value", new JsonArray().add(
        new JsonObject().put("subscriptionId", subscriptionId).put("clientState", clientState)
            .put("changeType", "created").put("resource", "Users/x/Messages/y"))).encode();
  }

  @Test
  void malformedDeliveriesAre400() {
    assertThat(post("/push/graph", "not json").statusCode()).isEqualTo(400);
    assertThat(post("/push/graph", "{\"value\":[1]}").statusCode()).isEqualTo(400);
    assertThat(post("/push/graph/lifecycle", "{}").statusCode()).isEqualTo(400);
    assertThat(inbox.changed).isEmpty();
  }

  @Test
  void lifecycleEventsMapToMissedAndResubscribe() throws Exception {
    String id = subscribed().id().orElseThrow();

    graph.sandbox.lifecycle(id, "missed");
    eventually(() -> inbox.missed.contains(key));
    graph.sandbox.lifecycle(id, "reauthorizationRequired");
    eventually(() -> inbox.resubscribe.size() == 1);
    graph.sandbox.lifecycle(id, "subscriptionRemoved");
    eventually(() -> inbox.resubscribe.size() == 2);
    assertThat(inbox.changed).isEmpty();
  }

  @Test
  void renewingKeepsTheSubscriptionAndItsSecretAndOneGraphLostIsCreatedAgain() throws Exception {
    PushSubscription first = subscribed();
    graph.sandbox.lifecycle(first.id().orElseThrow(), "reauthorizationRequired");
    eventually(() -> inbox.resubscribe.contains(key));

    PushSubscription renewed = await(push.subscribe(key, mailbox, Optional.of(first)));
    assertThat(renewed.id()).isEqualTo(first.id());
    assertThat(GraphPushChannel.SubscriptionState.decode(renewed.state()).orElseThrow().clientState())
        .isEqualTo(GraphPushChannel.SubscriptionState.decode(first.state()).orElseThrow().clientState());
    inbox.store(key, renewed);
    deliver();
    eventually(() -> inbox.changed.contains(key));

    graph.sandbox.expireSubscription(first.id().orElseThrow());
    PushSubscription recreated = await(push.subscribe(key, mailbox, Optional.of(renewed)));
    assertThat(recreated.id()).isPresent().isNotEqualTo(first.id());
    assertThat(graph.sandbox.subscriptionIds(mailbox.emailAddress())).containsExactly(recreated.id().orElseThrow());

    await(push.unsubscribe(mailbox, recreated));
    assertThat(graph.sandbox.subscriptionIds(mailbox.emailAddress())).isEmpty();
    await(push.unsubscribe(mailbox, recreated));
  }
}
