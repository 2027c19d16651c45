package dev.mailgate.server.sandbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import dev.mailgate.server.sandbox.gmail.GmailSandbox;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for the Gmail and Microsoft Graph REST APIs, for dev mode and tests (Google and
 * Microsoft cannot be reached from here), following their documented wire formats, errors
 * included: the stateful {@link GmailSandbox} at Google's paths, and Graph {@code /me} (the Graph
 * mail API grows here later). Bearer tokens are the JWTs of the local OAuth server
 * ({@link BearerIdentity}).
 */
public final class ProviderSandbox {

  public static final String GMAIL_PROFILE = "/gmail/v1/users/me/profile";
  public static final String GRAPH_ME = "/v1.0/me";

  private final HttpServer server;
  private final GmailSandbox gmail;
  private final AtomicInteger rejectNext = new AtomicInteger();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  private ProviderSandbox(HttpServer server, GmailSandbox gmail) {
    this.server = server;
    this.gmail = gmail;
  }

  /** Starts the sandbox on a free loopback port. */
  public static Future<ProviderSandbox> start(Vertx vertx) {
    Router router = Router.router(vertx);
    GmailSandbox gmail = GmailSandbox.create();
    gmail.mount(router);
    ProviderSandbox[] self = new ProviderSandbox[1];
    router.get(GRAPH_ME).handler(ctx -> self[0].graphMe(ctx));
    HttpServer server = vertx.createHttpServer().requestHandler(router);
    self[0] = new ProviderSandbox(server, gmail);
    return server.listen(0, "127.0.0.1").map(bound -> self[0]);
  }

  /** The stateful Gmail API; its root URL is {@link #baseUrl()} + "/". */
  public GmailSandbox gmail() {
    return gmail;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Makes the next {@code count} Graph calls answer 401, as for a token the provider revoked. */
  public void rejectNextCalls(int count) {
    rejectNext.set(count);
  }

  /** How many calls reached {@code path} so far. */
  public int callsTo(String path) {
    return calls.computeIfAbsent(path, p -> new AtomicInteger()).get();
  }

  public Future<Void> close() {
    return server.close();
  }

  private void graphMe(RoutingContext ctx) {
    Optional<String> email = authenticate(ctx);
    if (email.isEmpty()) {
      // https://learn.microsoft.com/graph/errors
      ctx.response().setStatusCode(401).putHeader("content-type", "application/json")
          .end(new JsonObject().put("error", new JsonObject()
              .put("code", "InvalidAuthenticationToken")
              .put("message", "Access token validation failure.")).encode());
      return;
    }
    ctx.json(new JsonObject().put("id", Integer.toHexString(email.get().hashCode()))
        .put("displayName", email.get()).put("mail", email.get()).put("userPrincipalName", email.get()));
  }

  /** The mailbox a valid, unexpired bearer JWT names; empty for anything else. */
  private Optional<String> authenticate(RoutingContext ctx) {
    calls.computeIfAbsent(ctx.request().path(), p -> new AtomicInteger()).incrementAndGet();
    if (rejectNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return Optional.empty();
    }
    return BearerIdentity.mailboxOf(ctx.request().getHeader("authorization"));
  }
}
