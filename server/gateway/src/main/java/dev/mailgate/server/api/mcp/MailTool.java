package dev.mailgate.server.api.mcp;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.grpc.common.ServiceMethod;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Mono;

/**
 * One MCP tool that is one gRPC method: its arguments (never a {@code user_id}: that is the agent
 * token's user) become the method's request as proto JSON, the call goes through the gateway's own
 * gRPC API over loopback with the agent token, and the answer comes back as proto JSON (text and
 * structured content). A refused call is a tool result with {@code isError} and the ErrorInfo reason.
 */
final class MailTool<Req extends Message, Resp extends Message> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames();

  private final McpSchema.Tool tool;
  private final ServiceMethod<Resp, Req> method;
  private final Supplier<Message.Builder> request;
  private final UnaryOperator<Map<String, Object>> shape;

  MailTool(McpSchema.Tool tool, ServiceMethod<Resp, Req> method, Supplier<Message.Builder> request,
      UnaryOperator<Map<String, Object>> shape) {
    this.tool = tool;
    this.method = method;
    this.request = request;
    this.shape = shape;
  }

  AsyncToolSpecification specification(GatewayLoopback loopback) {
    return AsyncToolSpecification.builder().tool(tool)
        .callHandler((context, call) -> call(loopback, AgentSession.of(context), call.arguments()))
        .build();
  }

  @SuppressWarnings("unchecked")
  private Mono<McpSchema.CallToolResult> call(GatewayLoopback loopback, AgentSession session, Map<String, Object> given) {
    Map<String, Object> arguments = new HashMap<>(given == null ? Map.of() : given);
    if (arguments.containsKey("user_id")) {
      return Mono.just(refused("INVALID_ARGUMENT", "no tool takes a user_id: the agent token names the user"));
    }
    arguments = shape.apply(arguments);
    arguments.put("user_id", session.userId());
    Message.Builder builder = request.get();
    try {
      PARSER.merge(JSON.writeValueAsString(arguments), builder);
    } catch (InvalidProtocolBufferException | com.fasterxml.jackson.core.JsonProcessingException bad) {
      return Mono.just(refused("INVALID_ARGUMENT", "the arguments do not fit " + tool.name() + ": " + bad.getMessage()));
    }
    return Mono.fromCompletionStage(
            loopback.call(method, (Req) builder.build(), session.token(), session.requestId()).toCompletionStage())
        .map(MailTool::answered)
        .onErrorResume(RpcFailure.class, failure -> Mono.just(refused(failure.reason(), failure.getMessage())));
  }

  private static McpSchema.CallToolResult answered(Message response) {
    try {
      String text = PRINTER.print(response);
      Map<String, Object> structured = JSON.readValue(text, new TypeReference<LinkedHashMap<String, Object>>() {});
      return McpSchema.CallToolResult.builder().addTextContent(text).structuredContent(structured).isError(false).build();
    } catch (InvalidProtocolBufferException | com.fasterxml.jackson.core.JsonProcessingException e) {
      return refused("INTERNAL", "the answer could not be written as JSON");
    }
  }

  /** A tool error an agent can act on: the ErrorInfo reason first, then the gateway's message. */
  static McpSchema.CallToolResult refused(String reason, String message) {
    return McpSchema.CallToolResult.builder()
        .addTextContent(reason + ": " + message)
        .structuredContent(Map.of("error", Map.of("reason", reason, "message", message)))
        .isError(true)
        .build();
  }

  /** A tool's input schema: an object with these properties (JSON Schema text), no others. */
  static Map<String, Object> schema(McpJsonMapper json, String properties, String... required) {
    StringBuilder schema = new StringBuilder("{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{")
        .append(properties).append("},\"required\":[");
    for (int i = 0; i < required.length; i++) {
      schema.append(i == 0 ? "" : ",").append('"').append(required[i]).append('"');
    }
    try {
      return JSON.readValue(schema.append("]}").toString(), new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("bad schema: " + schema, e);
    }
  }
}
