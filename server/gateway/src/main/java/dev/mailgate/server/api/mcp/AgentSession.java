package dev.mailgate.server.api.mcp;

import io.modelcontextprotocol.common.McpTransportContext;
import java.util.Map;

/**
 * Who one MCP request acts for, handed to the tools through the SDK's transport context: the agent
 * token (the tools' only credential on the loopback), the user it was minted for, and the request
 * id that ties the tool's gRPC calls to the HTTP request in the logs.
 */
record AgentSession(String token, String userId, String requestId) {

  private static final String KEY = "mailgate.agent";

  McpTransportContext context() {
    return McpTransportContext.create(Map.of(KEY, this));
  }

  static AgentSession of(McpTransportContext context) {
    if (context.get(KEY) instanceof AgentSession session) {
      return session;
    }
    throw new IllegalStateException("an MCP request reached a tool without an agent session");
  }

  @Override
  public String toString() {
    return "AgentSession[user=" + userId + ", request=" + requestId + "]";
  }
}
