package dev.mailgate.server.api.mcp;

import dev.mailgate.server.auth.CallerResolver;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The MCP Streamable HTTP endpoint, stateless: the MCP Java SDK's server transport on a Vert.x
 * route. Every POST must carry an agent token ({@code Authorization: Bearer mga_...}); without a
 * valid one the answer is 401 with {@code WWW-Authenticate: Bearer resource_metadata="..."} (MCP
 * authorization, RFC 9728). A JSON-RPC request is handed to the SDK, whose Mono completes on a
 * Vert.x thread (the tools call the gateway over loopback) and is written back as one JSON answer;
 * notifications and responses are accepted with 202. Nothing blocks the event loop.
 */
public final class McpRoute implements McpStatelessServerTransport, Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger(McpRoute.class);
  /** The path of the endpoint. */
  public static final String PATH = "/mcp";

  private final CallerResolver callers;
  private final McpJsonMapper json;
  private volatile McpStatelessServerHandler handler;

  McpRoute(CallerResolver callers, McpJsonMapper json) {
    this.callers = callers;
    this.json = json;
  }

  @Override
  public void setMcpHandler(McpStatelessServerHandler handler) {
    this.handler = handler;
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.empty();
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!ctx.request().method().name().equals("POST")) {
      // Stateless: no server-initiated stream to GET and no session to DELETE.
      ctx.response().setStatusCode(405).putHeader("allow", "POST").end();
      return;
    }
    String accept = String.valueOf(ctx.request().getHeader("accept"));
    if (!accept.contains("application/json") || !accept.contains("text/event-stream")) {
      error(ctx.response(), 400, null, McpSchema.ErrorCodes.INVALID_REQUEST,
          "Accept must list application/json and text/event-stream");
      return;
    }
    String token = bearer(ctx.request().getHeader("authorization"));
    if (token == null) {
      unauthorized(ctx, null);
      return;
    }
    String requestId = UUID.randomUUID().toString();
    Context context = Vertx.currentContext();
    callers.resolveAgent(token, "", requestId).onComplete(resolved -> {
      if (resolved.failed()) {
        if (resolved.cause() instanceof GatewayException e && e.reason() == Reason.AGENT_TOKEN_INVALID) {
          unauthorized(ctx, "invalid_token");
        } else {
          log.warn("request_id={} agent token could not be checked: {}", requestId, resolved.cause().toString());
          error(ctx.response(), 503, null, McpSchema.ErrorCodes.INTERNAL_ERROR, "the tenant is unavailable; retry later");
        }
        return;
      }
      String userId = resolved.result().agent().orElseThrow().userId();
      dispatch(ctx, context, new AgentSession(token, userId, requestId));
    });
  }

  private void dispatch(RoutingContext ctx, Context context, AgentSession session) {
    McpSchema.JSONRPCMessage message;
    try {
      message = McpSchema.deserializeJsonRpcMessage(json, ctx.body().asString());
    } catch (IOException | IllegalArgumentException | NullPointerException unreadable) {
      error(ctx.response(), 400, null, McpSchema.ErrorCodes.PARSE_ERROR, "the body is not a JSON-RPC message");
      return;
    }
    McpTransportContext transportContext = session.context();
    if (message instanceof McpSchema.JSONRPCRequest request) {
      handler.handleRequest(transportContext, request)
          .contextWrite(reactor -> reactor.put(McpTransportContext.KEY, transportContext))
          .subscribe(
              response -> context.runOnContext(v -> write(ctx.response(), 200, response)),
              failure -> context.runOnContext(v -> {
                log.warn("request_id={} MCP request {} failed: {}", session.requestId(), request.method(),
                    failure.toString());
                error(ctx.response(), 500, request.id(), McpSchema.ErrorCodes.INTERNAL_ERROR, "internal error");
              }));
    } else if (message instanceof McpSchema.JSONRPCNotification notification) {
      handler.handleNotification(transportContext, notification)
          .contextWrite(reactor -> reactor.put(McpTransportContext.KEY, transportContext))
          .subscribe(null, failure -> log.debug("notification {} failed", notification.method(), failure),
              () -> context.runOnContext(v -> ctx.response().setStatusCode(202).end()));
    } else {
      ctx.response().setStatusCode(202).end();
    }
  }

  private void unauthorized(RoutingContext ctx, String error) {
    String challenge = "Bearer resource_metadata=\"" + ProtectedResourceMetadata.metadataUrl(ctx) + "\""
        + (error == null ? "" : ", error=\"" + error + "\", error_description=\"the agent token is invalid, expired or revoked\"");
    ctx.response().putHeader("www-authenticate", challenge);
    error(ctx.response(), 401, null, McpSchema.ErrorCodes.INVALID_REQUEST,
        error == null ? "an agent token is required: Authorization: Bearer mga_..." : "invalid, expired or revoked agent token");
  }

  /** A JSON-RPC error answer; {@code id} is null when the request's id is not known (yet). */
  private static void error(HttpServerResponse response, int status, Object id, int code, String message) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status).putHeader("content-type", "application/json")
        .end(new io.vertx.core.json.JsonObject().put("jsonrpc", McpSchema.JSONRPC_VERSION).put("id", id)
            .put("error", new io.vertx.core.json.JsonObject().put("code", code).put("message", message)).encode());
  }

  private void write(HttpServerResponse response, int status, Object body) {
    if (response.ended() || response.closed()) {
      return;
    }
    try {
      response.setStatusCode(status).putHeader("content-type", "application/json").end(json.writeValueAsString(body));
    } catch (IOException | RuntimeException e) {
      log.warn("an MCP answer could not be written: {}", e.toString());
      response.setStatusCode(500).end();
    }
  }

  private static String bearer(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "bearer ", 0, 7)) {
      return null;
    }
    String token = authorization.substring(7).trim();
    return token.isEmpty() ? null : token;
  }
}
