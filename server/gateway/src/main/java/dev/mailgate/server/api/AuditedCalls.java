package dev.mailgate.server.api;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import dev.mailgate.proto.v1.AgentAccessServiceGrpcService;
import dev.mailgate.proto.v1.ConnectionServiceGrpcService;
import dev.mailgate.proto.v1.MailServiceGrpcService;
import dev.mailgate.proto.v1.ReportServiceGrpcService;
import dev.mailgate.proto.v1.UserServiceGrpcService;
import dev.mailgate.server.audit.AuditRecord;
import dev.mailgate.server.audit.AuditTrail;
import dev.mailgate.server.auth.Caller;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The audit trail's {@link CallObserver}: every call of {@link #AUDITED} that was admitted and names
 * a user ({@code user_id}) becomes one {@link AuditRecord} when it ends, whatever its outcome (a
 * connection or user that is not the caller's, a missing agent scope and a rate limit included).
 * The record holds the caller's API key name or agent token id, the user and connection ids as the
 * request named them, the method, the status and ErrorInfo reason and the request id, and nothing
 * else of the request. Calls refused before the caller is known (no or a wrong key or token) are
 * not recorded: they are not any user's.
 *
 * <p>MCP tool calls reach the gateway's own gRPC API over loopback with their agent token
 * ({@code api/mcp/GatewayLoopback}), so they are recorded here like any other call.
 */
public final class AuditedCalls implements CallObserver {

  /**
   * The methods that read or change a user's mail, connections or agent tokens: MailService except
   * WatchTenant (tenant-wide, no user), ConnectionService except CompleteAuthorization (its request
   * names no user; the StartAuthorization before it does), UserService's calls on one user,
   * GetUserReport, and AgentAccessService. Not audited: ListUsers, GetTenantSummary, WatchTenant,
   * WebhookService (tenant-wide) and AuditService itself.
   */
  static final Set<String> AUDITED = Stream.of(
      MailServiceGrpcService.SearchMessages, MailServiceGrpcService.GetMessage, MailServiceGrpcService.GetAttachment,
      MailServiceGrpcService.GetThread, MailServiceGrpcService.SendMessage, MailServiceGrpcService.CreateDraft,
      MailServiceGrpcService.GetDraft, MailServiceGrpcService.ListDrafts, MailServiceGrpcService.UpdateDraft,
      MailServiceGrpcService.DeleteDraft, MailServiceGrpcService.SendDraft, MailServiceGrpcService.ListLabels,
      MailServiceGrpcService.ModifyMessage, MailServiceGrpcService.TrashMessage, MailServiceGrpcService.UntrashMessage,
      MailServiceGrpcService.WatchMailbox, MailServiceGrpcService.ListMailboxEvents,
      ConnectionServiceGrpcService.StartAuthorization, ConnectionServiceGrpcService.CreateImapConnection,
      ConnectionServiceGrpcService.ListConnections, ConnectionServiceGrpcService.GetConnection,
      ConnectionServiceGrpcService.CheckConnection, ConnectionServiceGrpcService.DeleteConnection,
      UserServiceGrpcService.CreateUser, UserServiceGrpcService.GetUser, UserServiceGrpcService.DeleteUser,
      ReportServiceGrpcService.GetUserReport,
      AgentAccessServiceGrpcService.CreateAgentToken, AgentAccessServiceGrpcService.RevokeAgentToken)
      .map(ServiceMethod::fullMethodName)
      .collect(Collectors.toUnmodifiableSet());

  /** A user id as the API accepts it; anything else (a refused, malformed id) is not recorded. */
  private static final Pattern USER_ID = Pattern.compile("[\\x21-\\x7E]{1,128}");
  private static final Observation UNAUDITED = (status, reason) -> { };

  private final AuditTrail trail;
  /** Each request type's user_id and connection_id fields (either may be null). */
  private final Map<Descriptors.Descriptor, Fields> fields = new ConcurrentHashMap<>();

  public AuditedCalls(AuditTrail trail) {
    this.trail = trail;
  }

  @Override
  public Observation begin(CallStart call) {
    return AUDITED.contains(call.rpc()) ? new Audited(call.rpc(), call.requestId()) : UNAUDITED;
  }

  private record Fields(Descriptors.FieldDescriptor userId, Descriptors.FieldDescriptor connectionId) {
    static Fields of(Descriptors.Descriptor type) {
      return new Fields(stringField(type, "user_id"), stringField(type, "connection_id"));
    }

    private static Descriptors.FieldDescriptor stringField(Descriptors.Descriptor type, String name) {
      Descriptors.FieldDescriptor field = type.findFieldByName(name);
      return field != null && !field.isRepeated()
          && field.getJavaType() == Descriptors.FieldDescriptor.JavaType.STRING ? field : null;
    }
  }

  /** One audited call: what is known once it is admitted, recorded when it ends. */
  private final class Audited implements Observation {
    private final String rpc;
    private final String requestId;
    private Caller caller;
    private String userId;
    private String connectionId;
    private Instant time;

    Audited(String rpc, String requestId) {
      this.rpc = rpc;
      this.requestId = requestId;
    }

    @Override
    public void admitted(Caller caller, Object request) {
      if (!(request instanceof Message message)) {
        return;
      }
      Fields of = fields.computeIfAbsent(message.getDescriptorForType(), Fields::of);
      String user = of.userId() == null ? "" : (String) message.getField(of.userId());
      if (!USER_ID.matcher(user).matches()) {
        return;
      }
      this.caller = caller;
      this.userId = user;
      this.connectionId = of.connectionId() == null ? "" : connectionId((String) message.getField(of.connectionId()));
      this.time = Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public void ended(GrpcStatus status, String reason) {
      if (caller == null) {
        return;
      }
      AuditRecord.ActorType type = caller.agent().isPresent() ? AuditRecord.ActorType.AGENT_TOKEN
          : caller.dashboard() ? AuditRecord.ActorType.DASHBOARD_KEY : AuditRecord.ActorType.API_KEY;
      String actor = caller.agent().map(grant -> grant.tokenId().toString()).orElse(caller.apiKeyName());
      trail.record(caller.tenant(), new AuditRecord(time, type, actor, userId, connectionId, rpc, status.name(),
          reason == null || status == GrpcStatus.OK ? "" : reason, requestId));
    }
  }

  /** The connection id as named: a UUID, "-" (all), empty, or "invalid" for anything else (never stored as given). */
  private static String connectionId(String named) {
    if (named.isEmpty() || named.equals("-")) {
      return named;
    }
    try {
      return UUID.fromString(named).toString().equals(named.toLowerCase(java.util.Locale.ROOT)) ? named : "invalid";
    } catch (IllegalArgumentException notAUuid) {
      return "invalid";
    }
  }
}
