package dev.mailgate.server.api;

import dev.mailgate.proto.v1.AgentAccessServiceGrpcService;
import dev.mailgate.proto.v1.AgentScope;
import dev.mailgate.proto.v1.AgentToken;
import dev.mailgate.proto.v1.CreateAgentTokenRequest;
import dev.mailgate.proto.v1.CreateAgentTokenResponse;
import dev.mailgate.proto.v1.RevokeAgentTokenRequest;
import dev.mailgate.server.agent.AgentTokenRecord;
import dev.mailgate.server.agent.AgentTokens;
import dev.mailgate.server.auth.Caller;
import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import io.vertx.core.Future;
import io.vertx.grpc.server.Service;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * mailgate.v1.AgentAccessService: validates requests and maps them to {@link AgentTokens}. Agent
 * tokens themselves may not call it ({@link AgentRestrictions} lists no method of it).
 */
public final class AgentAccessApi {

  private final AgentTokens tokens;

  public AgentAccessApi(AgentTokens tokens) {
    this.tokens = tokens;
  }

  public Service service(RpcBinder binder) {
    return binder.service(AgentAccessServiceGrpcService.SERVICE_NAME, AgentAccessServiceGrpcService.SERVICE_DESCRIPTOR)
        .unary(AgentAccessServiceGrpcService.CreateAgentToken, this::createAgentToken)
        .unary(AgentAccessServiceGrpcService.RevokeAgentToken, this::revokeAgentToken)
        .build();
  }

  Future<CreateAgentTokenResponse> createAgentToken(Caller caller, CreateAgentTokenRequest request) {
    FieldChecks checks = new FieldChecks().userId("user_id", request.getUserId());
    List<UUID> connections = new ArrayList<>();
    for (int i = 0; i < request.getConnectionIdsCount(); i++) {
      try {
        connections.add(UUID.fromString(request.getConnectionIds(i)));
      } catch (IllegalArgumentException notAUuid) {
        checks.add(new FieldViolation("connection_ids[" + i + "]", "must be a connection id"));
      }
    }
    Set<dev.mailgate.server.agent.AgentScope> scopes = EnumSet.noneOf(dev.mailgate.server.agent.AgentScope.class);
    for (int i = 0; i < request.getScopesValueList().size(); i++) {
      AgentScope scope = AgentScope.forNumber(request.getScopesValue(i));
      if (scope == null || scope == AgentScope.AGENT_SCOPE_UNSPECIFIED) {
        checks.add(new FieldViolation("scopes[" + i + "]", "must be READ, MODIFY, DRAFT or SEND"));
      } else {
        scopes.add(dev.mailgate.server.agent.AgentScope.valueOf(scope.name().substring("AGENT_SCOPE_".length())));
      }
    }
    if (request.getScopesCount() == 0) {
      checks.add(new FieldViolation("scopes", "must name at least one scope"));
    }
    Duration ttl = request.hasTtl()
        ? Duration.ofSeconds(request.getTtl().getSeconds(), request.getTtl().getNanos()) : AgentTokens.DEFAULT_TTL;
    if (ttl.compareTo(AgentTokens.MIN_TTL) < 0 || ttl.compareTo(AgentTokens.MAX_TTL) > 0) {
      checks.add(new FieldViolation("ttl", "must be from 1 minute to 24 hours"));
    }
    checks.orThrow();
    return tokens.create(caller.tenant(), request.getUserId(), connections, scopes, ttl)
        .map(created -> CreateAgentTokenResponse.newBuilder()
            .setToken(created.token())
            .setAgentToken(toProto(created.record()))
            .build());
  }

  Future<AgentToken> revokeAgentToken(Caller caller, RevokeAgentTokenRequest request) {
    new FieldChecks().userId("user_id", request.getUserId()).required("agent_token_id", request.getAgentTokenId())
        .orThrow();
    UUID id;
    try {
      id = UUID.fromString(request.getAgentTokenId());
    } catch (IllegalArgumentException notAUuid) {
      return Future.failedFuture(new GatewayException(Reason.AGENT_TOKEN_NOT_FOUND, "agent token not found"));
    }
    return tokens.revoke(caller.tenant(), request.getUserId(), id).map(AgentAccessApi::toProto);
  }

  private static AgentToken toProto(AgentTokenRecord record) {
    AgentToken.Builder token = AgentToken.newBuilder()
        .setAgentTokenId(record.id().toString())
        .setUserId(record.userId())
        .addAllConnectionIds(record.connections().stream().map(UUID::toString).sorted().toList())
        .addAllScopes(record.scopes().stream().sorted()
            .map(scope -> AgentScope.valueOf("AGENT_SCOPE_" + scope.name())).toList())
        .setCreateTime(ProtoTime.of(record.createTime()))
        .setExpireTime(ProtoTime.of(record.expireTime()));
    record.revokeTime().ifPresent(time -> token.setRevokeTime(ProtoTime.of(time)));
    return token.build();
  }
}
