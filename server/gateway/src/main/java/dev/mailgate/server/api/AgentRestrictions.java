package dev.mailgate.server.api;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import dev.mailgate.proto.v1.ConnectionServiceGrpcService;
import dev.mailgate.proto.v1.MailServiceGrpcService;
import dev.mailgate.server.agent.AgentGrant;
import dev.mailgate.server.agent.AgentScope;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import io.vertx.grpc.common.ServiceMethod;
import java.util.HashMap;
import java.util.Map;

/**
 * Holds a call made with an agent token to what the token allows, before any implementation runs:
 * the method must be one an agent may call ({@code AGENT_METHOD_NOT_ALLOWED} otherwise) and within
 * the token's scopes ({@code AGENT_SCOPE_MISSING}); the request may name only the token's user and
 * its allowed connections, anything else being answered exactly as a connection (or user) that does
 * not exist. The ownership check that follows in the store is the same as for an API key.
 */
final class AgentRestrictions {

  /** The scope each method an agent may call needs; a method not listed is refused to every agent. */
  private static final Map<String, AgentScope> SCOPES = new HashMap<>();

  static {
    scope(AgentScope.READ, ConnectionServiceGrpcService.ListConnections, ConnectionServiceGrpcService.GetConnection,
        ConnectionServiceGrpcService.CheckConnection, MailServiceGrpcService.SearchMessages,
        MailServiceGrpcService.GetMessage, MailServiceGrpcService.GetAttachment, MailServiceGrpcService.GetThread,
        MailServiceGrpcService.GetDraft, MailServiceGrpcService.ListDrafts, MailServiceGrpcService.ListLabels,
        MailServiceGrpcService.ListMailboxEvents, MailServiceGrpcService.WatchMailbox);
    scope(AgentScope.MODIFY, MailServiceGrpcService.ModifyMessage, MailServiceGrpcService.TrashMessage,
        MailServiceGrpcService.UntrashMessage);
    scope(AgentScope.DRAFT, MailServiceGrpcService.CreateDraft, MailServiceGrpcService.UpdateDraft,
        MailServiceGrpcService.DeleteDraft);
    scope(AgentScope.SEND, MailServiceGrpcService.SendMessage, MailServiceGrpcService.SendDraft);
  }

  private AgentRestrictions() {}

  private static void scope(AgentScope scope, ServiceMethod<?, ?>... methods) {
    for (ServiceMethod<?, ?> method : methods) {
      SCOPES.put(method.fullMethodName(), scope);
    }
  }

  /** The scope a method needs, or null when no agent may call it. */
  static AgentScope scopeOf(String fullMethodName) {
    return SCOPES.get(fullMethodName);
  }

  /** Throws the refusal for this call, if the token does not allow it. */
  static void check(AgentGrant grant, String fullMethodName, Object request) {
    AgentScope needed = SCOPES.get(fullMethodName);
    if (needed == null) {
      throw new GatewayException(Reason.AGENT_METHOD_NOT_ALLOWED, "agent tokens may not call " + fullMethodName);
    }
    if (!grant.scopes().contains(needed)) {
      throw new GatewayException(Reason.AGENT_SCOPE_MISSING,
          "the agent token lacks the " + needed.name().toLowerCase(java.util.Locale.ROOT) + " scope");
    }
    if (!(request instanceof Message message)) {
      return;
    }
    String userId = stringField(message, "user_id");
    String connectionId = stringField(message, "connection_id");
    boolean otherConnection = !connectionId.isEmpty() && !connectionId.equals("-") && !grant.allows(connectionId);
    boolean otherUser = !userId.isEmpty() && !userId.equals(grant.userId());
    if (otherConnection || (otherUser && !connectionId.isEmpty())) {
      throw new GatewayException(Reason.CONNECTION_NOT_FOUND, "connection not found");
    }
    if (otherUser) {
      throw new GatewayException(Reason.USER_NOT_FOUND, "user not found");
    }
  }

  private static String stringField(Message message, String name) {
    Descriptors.FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
    return field != null && !field.isRepeated() && field.getJavaType() == Descriptors.FieldDescriptor.JavaType.STRING
        ? (String) message.getField(field) : "";
  }
}
