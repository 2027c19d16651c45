package dev.mailgate.server.mail;

/** The provider refused the credential (HTTP 401): refresh once and retry, or re-authorize. */
public final class ProviderUnauthorizedException extends RuntimeException {

  public ProviderUnauthorizedException() {
    super("the provider refused the access token", null, false, false);
  }
}
