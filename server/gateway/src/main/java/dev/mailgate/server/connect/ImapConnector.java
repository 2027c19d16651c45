package dev.mailgate.server.connect;

import dev.mailgate.server.crypto.SecretField;
import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.mail.ProviderUnauthorizedException;
import dev.mailgate.server.provider.ProviderRegistry;
import dev.mailgate.server.provider.imap.ImapProvider;
import dev.mailgate.server.provider.imap.ImapProviderModule;
import dev.mailgate.server.provider.imap.ImapSettings;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ConnectionStore;
import dev.mailgate.server.store.CredentialStore;
import dev.mailgate.server.events.ConnectionStateChanges;
import dev.mailgate.server.store.UserStore;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * CreateImapConnection: the login is verified against the IMAP and SMTP servers before anything
 * is stored; then the connection is created (or the user's existing connection to that address
 * is updated) with its password encrypted exactly like OAuth tokens.
 */
public final class ImapConnector {

  private final ProviderRegistry providers;
  private final UserStore users;
  private final ConnectionStore connections;
  private final CredentialStore credentials;
  private final ConnectionStateChanges changes;

  public ImapConnector(ProviderRegistry providers, UserStore users, ConnectionStore connections,
      CredentialStore credentials, ConnectionStateChanges changes) {
    this.providers = providers;
    this.users = users;
    this.connections = connections;
    this.credentials = credentials;
    this.changes = changes;
  }

  /** What is wrong with these servers, named by the CreateImapConnection fields; empty when usable. */
  public static List<FieldViolation> violations(MailServers servers) {
    return settings(servers).violations();
  }

  public Future<ConnectionRecord> connect(Tenant tenant, String userId, String emailAddress, MailServers servers,
      String password) {
    ImapProvider imap = providers.module(ImapProviderModule.KIND)
        .filter(ImapProviderModule.class::isInstance)
        .map(module -> ((ImapProviderModule) module).mail())
        .orElse(null);
    if (imap == null) {
      return Future.failedFuture(new GatewayException(Reason.NOT_IMPLEMENTED,
          "IMAP connections are not served by this gateway"));
    }
    ImapSettings settings = settings(servers);
    return imap.checkHosts(settings, tenant.config().egress())
        .compose(allowed -> imap.verifyLogin(settings, emailAddress, password, tenant.config().egress())
            .recover(failure -> Future.failedFuture(failure instanceof ProviderUnauthorizedException
                ? GatewayException.invalid(List.of(new FieldViolation("password",
                    "the IMAP or SMTP server refused this username and password")))
                : unreachable(failure))))
        .compose(verified -> tenant.withDatabase(db -> users.get(db, userId)))
        .compose(user -> tenant.cipher())
        // A connection that needed its password again and is ACTIVE again gets CONNECTION_STATE_CHANGED.
        .compose(cipher -> tenant.withTransaction(tx -> changes.before(tx, userId, ImapProviderModule.KIND, emailAddress)
            .compose(before -> credentials.upsertWithPassword(tx, userId, ImapProviderModule.KIND, emailAddress,
                    settings.toMap())
                .compose(id -> credentials.savePassword(tx, id, cipher.encrypt(id, SecretField.PASSWORD, password))
                    .compose(saved -> changes.authorized(tx, id, before))
                    .compose(recorded -> connections.getOwned(tx, userId, id.toString())))))
            .onSuccess(connection -> changes.committed(tenant)));
  }

  private static ImapSettings settings(MailServers servers) {
    return new ImapSettings(servers.imapHost(), servers.imapPort(), security(servers.imapSecurity()),
        servers.smtpHost(), servers.smtpPort(), security(servers.smtpSecurity()), servers.username());
  }

  private static ImapSettings.Security security(MailServers.Security security) {
    if (security == null) {
      return ImapSettings.Security.SSL_TLS;
    }
    return switch (security) {
      case STARTTLS -> ImapSettings.Security.STARTTLS;
      case NONE -> ImapSettings.Security.NONE;
      case SSL_TLS -> ImapSettings.Security.SSL_TLS;
    };
  }

  /**
   * One answer for every way an allowed server can fail to log us in short of refusing the
   * password (nothing listens, timeout, TLS handshake, not an IMAP/SMTP server, the server's own
   * errors), so that CreateImapConnection does not tell a caller what listens where.
   */
  private static Throwable unreachable(Throwable failure) {
    if (failure instanceof GatewayException known && known.reason() == Reason.INVALID_ARGUMENT) {
      return failure;
    }
    return GatewayException.retryable(Reason.PROVIDER_UNAVAILABLE,
        "could not log in to the IMAP and SMTP servers: a server did not answer, or the connection or its TLS handshake"
            + " failed; check the hosts, ports and security settings", Duration.ofSeconds(5), null);
  }
}
