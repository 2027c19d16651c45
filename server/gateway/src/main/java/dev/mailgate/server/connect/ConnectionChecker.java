package dev.mailgate.server.connect;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.mail.CredentialSource;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.NeedsReauth;
import dev.mailgate.server.mail.ProviderUnauthorizedException;
import dev.mailgate.server.provider.ProviderCredentials;
import dev.mailgate.server.provider.ProviderModule;
import dev.mailgate.server.provider.ProviderRegistry;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ConnectionStatus;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;

/**
 * CheckConnection: one cheap live provider call, the module's {@link ProviderModule#mailboxAddress}
 * (an OAuth profile call, or a login with the stored password), with the connection's credential
 * (an OAuth token is refreshed first if it is near expiry). A refused credential is renewed once
 * and tried again where it can be; a credential still refused marks the connection NEEDS_REAUTH.
 * A connection already in that state is reported without calling the provider.
 */
public final class ConnectionChecker {

  /** The outcome of a check; {@code error} never holds a credential. */
  public record Result(boolean valid, ConnectionStatus status, String emailAddress, String error) {}

  private final ProviderRegistry registry;
  private final ProviderCredentials sources;
  private final NeedsReauth needsReauth;

  public ConnectionChecker(ProviderRegistry registry, ProviderCredentials sources, NeedsReauth needsReauth) {
    this.registry = registry;
    this.sources = sources;
    this.needsReauth = needsReauth;
  }

  public Future<Result> check(Tenant tenant, ConnectionRecord connection) {
    if (connection.status() != ConnectionStatus.ACTIVE) {
      return Future.succeededFuture(needsReauth(connection));
    }
    ProviderModule module = registry.module(connection.provider()).orElse(null);
    if (module == null) {
      return Future.failedFuture(new GatewayException(Reason.NOT_IMPLEMENTED,
          "checking " + connection.provider() + " connections is not implemented yet"));
    }
    CredentialSource source = sources.credentials(tenant, connection);
    return source.current()
        .compose(current -> module.mailboxAddress(mailbox(tenant, connection, source, current))
            .recover(failure -> failure instanceof ProviderUnauthorizedException
                ? source.renewedAfter(current)
                    .compose(fresh -> module.mailboxAddress(mailbox(tenant, connection, source, fresh)))
                : Future.failedFuture(failure)))
        .map(address -> new Result(true, ConnectionStatus.ACTIVE, address, ""))
        .recover(failure -> {
          if (failure instanceof ProviderUnauthorizedException) {
            return needsReauth.mark(tenant, connection.id())
                .map(marked -> needsReauth(connection));
          }
          return failure instanceof GatewayException e && e.reason() == Reason.CONNECTION_NEEDS_REAUTH
              ? Future.succeededFuture(needsReauth(connection))
              : Future.failedFuture(failure);
        });
  }

  private static MailboxCredential mailbox(Tenant tenant, ConnectionRecord connection, CredentialSource source,
      String credential) {
    return new MailboxCredential(connection.emailAddress(), credential, source, connection.settings(),
        tenant.id() + "/" + connection.id(), tenant.config().egress());
  }

  private static Result needsReauth(ConnectionRecord connection) {
    return new Result(false, ConnectionStatus.NEEDS_REAUTH, connection.emailAddress(),
        "the provider refused the stored credentials; authorize or connect this mailbox again");
  }
}
