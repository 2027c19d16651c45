package dev.mailgate.server.sandbox;

import dev.mailgate.server.sandbox.gmail.GmailSandbox;
import dev.mailgate.server.sandbox.graph.GraphSandbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

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
    return start(vertx, "127.0.0.1", 0);
  }

  /** Starts the sandbox on host:port (0 picks a free port). */
  public static Future<ProviderSandbox> start(Vertx vertx, String host, int port) {
    Router router = Router.router(vertx);
    GmailSandbox gmail = GmailSandbox.create();
    gmail.mount(router);
    GraphSandbox graph = GraphSandbox.create();
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
