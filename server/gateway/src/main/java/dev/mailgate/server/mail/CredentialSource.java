package dev.mailgate.server.mail;

import io.vertx.core.Future;

/**
 * Where one connection's credential comes from, and how it is renewed: for OAuth providers an
 * access token (refreshed near expiry, and once more after the provider refuses one), for
 * password providers the stored password (which cannot be renewed: a refused password stays
 * refused). Both methods are asynchronous and never block; call them on an event loop, not from
 * a provider's worker thread.
 *
 * <p>A provider call does not wait on a source: the {@link MailboxAccess} resolves {@link #current()}
 * first and hands the provider a {@link MailboxCredential} whose {@link MailboxCredential#credential()} is known, so
 * that blocking provider clients read it on their worker threads without waiting. The mailbox
 * keeps the source ({@link MailboxCredential#credentials()}) for long-lived users (a mailbox watcher) that
 * must renew the credential themselves after the provider refuses it.
 */
public interface CredentialSource {

  /** A credential usable now (an OAuth source refreshes first when the token is about to expire). */
  Future<String> current();

  /**
   * A new credential after the provider refused {@code rejected} (HTTP 401, a refused login), or
   * the current one if another caller replaced it meanwhile. Fails with
   * {@link ProviderUnauthorizedException} when the credential cannot be renewed (a password), or
   * with CONNECTION_NEEDS_REAUTH when the provider refused the grant itself.
   */
  Future<String> renewedAfter(String rejected);

  /** A credential that is what it is and cannot be renewed (provider tests). */
  static CredentialSource fixed(String credential) {
    return new CredentialSource() {
      @Override
      public Future<String> current() {
        return Future.succeededFuture(credential);
      }

      @Override
      public Future<String> renewedAfter(String rejected) {
        return Future.failedFuture(new ProviderUnauthorizedException());
      }
    };
  }
}
