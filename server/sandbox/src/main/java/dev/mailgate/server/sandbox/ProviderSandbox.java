package dev.mailgate.server.sandbox;

import dev.mailgate.server.sandbox.gmail.GmailSandbox;
import dev.mailgate.server.sandbox.graph.GraphSandbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Clock;

/**
 * A local stand-in for the Gmail and Microsoft Graph REST APIs on one loopback port, for dev
 * mode and tests (Google and Microsoft cannot be reached from here): the stateful
 * {@link GmailSandbox} and {@link GraphSandbox}, each at its provider's exact paths, with its
 * documented JSON shapes and error bodies. Bearer tokens are the JWTs of the local OAuth server
 * ({@link BearerIdentity}).
 */
public final class ProviderSandbox {

  public static final String GMAIL_PROFILE = "/gmail/v1/users/me/profile";
  public static final String GRAPH_ME = "/v1.0/me";
  /** The address the sandbox listens on unless told otherwise. */
  public static final String LOOPBACK = "127.0.0.1";

  private final HttpServer server;
  private final String host;
  private final GmailSandbox gmail;
  private final GraphSandbox graph;

  private ProviderSandbox(HttpServer server, String host, GmailSandbox gmail, GraphSandbox graph) {
    this.server = server;
    this.host = host;
    this.gmail = gmail;
    this.graph = graph;
  }

  /** Starts the sandbox on a free loopback port. */
  public static Future<ProviderSandbox> start(Vertx vertx) {
    return start(vertx, LOOPBACK, 0);
  }

  /** Starts the sandbox on host:port (0 picks a free port). */
  public static Future<ProviderSandbox> start(Vertx vertx, String host, int port) {
    return start(vertx, host, port, Clock.systemUTC());
  }

  /**
   * Starts the sandbox on host:port (0 picks a free port), its Gmail and Graph dating every message,
   * draft and change by {@code clock} (tests pass one they move forward instead of sleeping).
   */
  public static Future<ProviderSandbox> start(Vertx vertx, String host, int port, Clock clock) {
    Router router = Router.router(vertx);
    GmailSandbox gmail = GmailSandbox.create(clock);
    gmail.mount(router, vertx);
    GraphSandbox graph = GraphSandbox.create(clock);
    graph.mount(router);
    HttpServer server = vertx.createHttpServer().requestHandler(router);
    return server.listen(port, host).map(bound -> new ProviderSandbox(bound, host, gmail, graph));
  }

  public String baseUrl() {
    return "http://" + host + ":" + server.actualPort();
  }

  /** The stateful Gmail API; its root URL is {@link #baseUrl()} + "/". */
  public GmailSandbox gmail() {
    return gmail;
  }

  /** The stateful Microsoft Graph mail API; its root URL is {@link #baseUrl()}. */
  public GraphSandbox graph() {
    return graph;
  }

  public Future<Void> close() {
    return server.close();
  }
}
