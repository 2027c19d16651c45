package dev.mailgate.server.provider;

import dev.mailgate.server.crypto.SecretField;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.mail.CredentialSource;
import dev.mailgate.server.mail.MailProvider;
import dev.mailgate.server.mail.MailboxProviders;
import dev.mailgate.server.mail.ProviderUnauthorizedException;
import dev.mailgate.server.oauth.AccessTokens;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.CredentialStore;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.store.StoredCredentials;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The registry's modules with the connections' stored credentials: a connection's credential
 * source follows its module's {@link Authentication}. OAuth: the access token from
 * {@link AccessTokens}, refreshed near expiry and after a refusal. Password: the stored password,
 * decrypted; it cannot be renewed.
 */
public final class ProviderCredentials implements MailboxProviders {

  private final ProviderRegistry registry;
  private final AccessTokens tokens;
  private final CredentialStore credentials;
  private final Map<ProviderKind, MailProvider> operations = new LinkedHashMap<>();

  public ProviderCredentials(ProviderRegistry registry, AccessTokens tokens, CredentialStore credentials) {
    this.registry = registry;
    this.tokens = tokens;
    this.credentials = credentials;
    for (ProviderModule module : registry.modules()) {
      operations.put(module.kind(), module.mail());
    }
  }

  @Override
  public Optional<MailProvider> operations(ProviderKind kind) {
    return Optional.ofNullable(operations.get(kind));
  }

  /** Wraps every provider's operations (a span each, their timing); while wiring, before any call. */
  public void decorate(BiFunction<ProviderKind, MailProvider, MailProvider> wrapper) {
    operations.replaceAll(wrapper);
  }

  @Override
  public CredentialSource credentials(Tenant tenant, ConnectionRecord connection) {
    Optional<Authentication> authentication = registry.module(connection.provider()).map(ProviderModule::authentication);
    if (authentication.isEmpty()) {
      return failing(new GatewayException(Reason.NOT_IMPLEMENTED,
          connection.provider() + " connections are not implemented by this gateway"));
    }
    return authentication.get() instanceof Authentication.Password
        ? password(tenant, connection)
        : tokens.source(tenant, connection.id());
  }

  /** The stored password, decrypted; a refused password stays refused. */
  private CredentialSource password(Tenant tenant, ConnectionRecord connection) {
    return new CredentialSource() {
      @Override
      public Future<String> current() {
        return tenant.withDatabase(db -> credentials.find(db, connection.id())).compose(found -> found
            .flatMap(StoredCredentials::password)
            .map(password -> tenant.decrypt(connection.id(), SecretField.PASSWORD, password))
            .orElseGet(() -> Future.failedFuture(new GatewayException(Reason.CONNECTION_NEEDS_REAUTH,
                "this connection has no stored password; connect it again"))));
      }

      @Override
      public Future<String> renewedAfter(String rejected) {
        return Future.failedFuture(new ProviderUnauthorizedException());
      }
    };
  }

  private static CredentialSource failing(Throwable failure) {
    return new CredentialSource() {
      @Override
      public Future<String> current() {
        return Future.failedFuture(failure);
      }

      @Override
      public Future<String> renewedAfter(String rejected) {
        return Future.failedFuture(failure);
      }
    };
  }
}
