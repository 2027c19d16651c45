package dev.mailgate.server.api.mcp;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728) for the MCP endpoint, at the well-known path
 * and at its {@code /mcp}-suffixed form, as the MCP authorization specification has clients look it
 * up. Mailgate runs no OAuth authorization server: agent tokens are minted by the tenant's backend
 * with {@code AgentAccessService.CreateAgentToken} and handed to the agent. So the document leaves
 * {@code authorization_servers} out, which RFC 9728 (section 2) allows: an empty array would claim a
 * list of servers that has nothing in it, and naming one that does not exist would send an MCP
 * client into an OAuth flow that cannot succeed. The MCP authorization specification (2025-11-25)
 * wants at least one authorization server for its OAuth flow; Mailgate's agents skip that flow and
 * send the minted token. {@code resource_documentation} is a URL, as RFC 9728 wants: the gateway's
 * OpenAPI description, whose AgentAccessService section says how tokens are minted and revoked.
 */
final class ProtectedResourceMetadata {

  static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

  private ProtectedResourceMetadata() {}

  static void mount(Router router) {
    router.get(WELL_KNOWN).handler(ProtectedResourceMetadata::answer);
    router.get(WELL_KNOWN + McpRoute.PATH).handler(ProtectedResourceMetadata::answer);
  }

  /** The URL of the metadata of the resource this request reached. */
  static String metadataUrl(RoutingContext ctx) {
    return origin(ctx) + WELL_KNOWN + McpRoute.PATH;
  }

  private static void answer(RoutingContext ctx) {
    ctx.response().putHeader("cache-control", "max-age=3600");
    ctx.json(new JsonObject()
        .put("resource", origin(ctx) + McpRoute.PATH)
        .put("resource_name", "Mailgate MCP")
        .put("bearer_methods_supported", new JsonArray().add("header"))
        .put("scopes_supported", new JsonArray().add("read").add("modify").add("draft").add("send"))
        .put("resource_documentation", origin(ctx) + "/openapi.json"));
  }

  private static String origin(RoutingContext ctx) {
    HostAndPort authority = ctx.request().authority();
    String host = authority == null ? "localhost" : authority.host()
        + (authority.port() > 0 ? ":" + authority.port() : "");
    return ctx.request().scheme() + "://" + host;
  }
}
