package dev.mailgate.server.oauth;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ConnectionStatus;
import dev.mailgate.server.store.CredentialStore;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;

/**
 * CheckConnection: one cheap live provider call (refreshing first if the token is near expiry,
 * and once more if the provider refuses it). A refused grant marks the connection NEEDS_REAUTH;
 * a connection already in that state is reported without calling the provider.
 */
public final class ConnectionChecker {

  /** The outcome of a check; {@code error} never holds a token. */
  public record Result(boolean valid, ConnectionStatus status, String emailAddress, String error) {}

  /** A live login check for password connections (IMAP): true if the server accepted it. */
  @FunctionalInterface
  public interface PasswordCheck {
    Future<Boolean> check(Tenant tenant, ConnectionRecord connection);
  }

  private final AccessTokens tokens;
  private final ProfileClient profiles;
  private final OAuthClients clients;
  private final CredentialStore credentials;
  private final PasswordCheck passwords;

  public ConnectionChecker(AccessTokens tokens, ProfileClient profiles, OAuthClients clients, CredentialStore credentials,
      PasswordCheck passwords) {
    this.tokens = tokens;
    this.profiles = profiles;
    this.clients = clients;
    this.credentials = credentials;
    this.passwords = passwords;
  }

  public Future<Result> check(Tenant tenant, ConnectionRecord connection) {
    if (connection.status() != ConnectionStatus.ACTIVE) {
      return Future.succeededFuture(needsReauth(connection));
    }
    if (connection.provider() == dev.mailgate.server.store.ProviderKind.IMAP) {
      return passwords.check(tenant, connection).map(valid -> valid
          ? new Result(true, ConnectionStatus.ACTIVE, connection.emailAddress(), "")
          : needsReauth(connection));
    }
    OAuthEndpoints endpoints = clients.of(tenant.config(), connection.provider()).endpoints();
    return tokens.get(tenant, connection.id())
        .compose(token -> profiles.fetch(connection.provider(), endpoints, token).compose(profile -> profile.authorized()
            ? Future.succeededFuture(profile)
            : tokens.refreshAfterRejection(tenant, connection.id(), token)
                .compose(fresh -> profiles.fetch(connection.provider(), endpoints, fresh))))
        .compose(profile -> {
          if (profile.authorized()) {
            return Future.succeededFuture(new Result(true, ConnectionStatus.ACTIVE, profile.emailAddress(), ""));
          }
          return tenant.withDatabase(db -> credentials.markNeedsReauth(db, connection.id()))
              .map(marked -> needsReauth(connection));
        })
        .recover(failure -> failure instanceof GatewayException e && e.reason() == Reason.CONNECTION_NEEDS_REAUTH
            ? Future.succeededFuture(needsReauth(connection))
            : Future.failedFuture(failure));
  }

  private static Result needsReauth(ConnectionRecord connection) {
    return new Result(false, ConnectionStatus.NEEDS_REAUTH, connection.emailAddress(),
        "the provider refused the stored credentials; authorize or connect this mailbox again");
  }
}
