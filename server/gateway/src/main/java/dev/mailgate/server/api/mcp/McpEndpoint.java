package dev.mailgate.server.api.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailgate.server.auth.CallerResolver;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessAsyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;

/**
 * The MCP endpoint for AI agents: the SDK's stateless server with Mailgate's tools on
 * {@link McpRoute#PATH}, and the protected-resource metadata that tells a client which token to
 * bring. Tools call the gateway's own gRPC API over loopback ({@link GatewayLoopback}).
 */
public final class McpEndpoint {

  /** The largest JSON-RPC message accepted; tools take no attachments, so this is plenty. */
  static final long MAX_BODY_BYTES = 1024 * 1024;

  private final McpStatelessAsyncServer server;
  private final GatewayLoopback loopback;

  private McpEndpoint(McpStatelessAsyncServer server, GatewayLoopback loopback) {
    this.server = server;
    this.loopback = loopback;
  }

  /** Mounts the endpoint on {@code router}; its tools reach the gateway on {@code host:port}. */
  public static McpEndpoint mount(Vertx vertx, Router router, CallerResolver callers, String host, int port,
      boolean tls, String version) {
    McpJsonMapper json = new JacksonMcpJsonMapper(new ObjectMapper());
    McpRoute route = new McpRoute(callers, json);
    GatewayLoopback loopback = GatewayLoopback.to(vertx, host, port, tls);
    McpStatelessAsyncServer server = McpServer.async(route)
        .serverInfo("mailgate", version)
        .jsonMapper(json)
        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
        .instructions("Mailgate: the mailboxes of one user, as the agent token allows. Start with list_connections; "
            + "search_messages with connection_id '-' searches them all. Sends need a request_id of your choosing.")
        .requestTimeout(Duration.ofSeconds(GatewayLoopback.TIMEOUT_SECONDS + 10))
        .tools(MailTools.all(json).stream().map(tool -> tool.specification(loopback)).toList())
        .build();
    router.route(McpRoute.PATH).handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES)).handler(route);
    ProtectedResourceMetadata.mount(router);
    return new McpEndpoint(server, loopback);
  }

  public Future<Void> close() {
    server.close();
    return loopback.close();
  }
}
