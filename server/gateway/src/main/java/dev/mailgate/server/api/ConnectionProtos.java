package dev.mailgate.server.api;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ImapSecurity;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.server.connect.MailServers;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ConnectionStatus;
import dev.mailgate.server.store.ProviderKind;
import java.util.Map;
import java.util.Optional;

/**
 * Connections between proto and domain: the one place that maps the proto {@code Provider},
 * {@code ConnectionStatus} and {@code ImapSecurity} enums to the domain's, each by a table. A new
 * provider adds its row to {@link #PROVIDERS}.
 */
final class ConnectionProtos {

  /** Each proto provider and the domain kind it names. */
  private static final Map<Provider, ProviderKind> PROVIDERS = Map.of(
      Provider.PROVIDER_GMAIL, ProviderKind.GMAIL,
      Provider.PROVIDER_OUTLOOK, ProviderKind.OUTLOOK,
      Provider.PROVIDER_IMAP, ProviderKind.IMAP);

  private static final Map<ConnectionStatus, dev.mailgate.proto.v1.ConnectionStatus> STATUSES = Map.of(
      ConnectionStatus.ACTIVE, dev.mailgate.proto.v1.ConnectionStatus.CONNECTION_STATUS_ACTIVE,
      ConnectionStatus.NEEDS_REAUTH, dev.mailgate.proto.v1.ConnectionStatus.CONNECTION_STATUS_NEEDS_REAUTH,
      ConnectionStatus.DISCONNECTED, dev.mailgate.proto.v1.ConnectionStatus.CONNECTION_STATUS_DISCONNECTED);

  private ConnectionProtos() {}

  /** The kind a proto provider names; empty for PROVIDER_UNSPECIFIED and unknown numbers. */
  static Optional<ProviderKind> kindOf(Provider provider) {
    return Optional.ofNullable(PROVIDERS.get(provider));
  }

  /** The proto provider of a kind; PROVIDER_UNSPECIFIED for a kind the proto does not name. */
  static Provider providerOf(ProviderKind kind) {
    return PROVIDERS.entrySet().stream().filter(entry -> entry.getValue().equals(kind)).map(Map.Entry::getKey)
        .findFirst().orElse(Provider.PROVIDER_UNSPECIFIED);
  }

  static dev.mailgate.proto.v1.ConnectionStatus statusOf(ConnectionStatus status) {
    return STATUSES.get(status);
  }

  static MailServers.Security securityOf(ImapSecurity security) {
    return switch (security) {
      case IMAP_SECURITY_STARTTLS -> MailServers.Security.STARTTLS;
      case IMAP_SECURITY_NONE -> MailServers.Security.NONE;
      default -> MailServers.Security.SSL_TLS;
    };
  }

  static Connection toProto(ConnectionRecord connection) {
    Connection.Builder proto = Connection.newBuilder()
        .setConnectionId(connection.id().toString())
        .setUserId(connection.userId())
        .setProvider(providerOf(connection.provider()))
        .setEmailAddress(connection.emailAddress())
        .addAllScopes(connection.scopes())
        .setStatus(statusOf(connection.status()))
        .setCreateTime(ProtoTime.of(connection.createTime()))
        .setUpdateTime(ProtoTime.of(connection.updateTime()));
    connection.lastUsedTime().ifPresent(time -> proto.setLastUsedTime(ProtoTime.of(time)));
    return proto.build();
  }
}
