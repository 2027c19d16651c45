package dev.mailgate.tenant.config;

import java.util.Locale;

/** Mail providers a tenant can register an OAuth client for. */
public enum OAuthProvider {
  GMAIL,
  OUTLOOK;

  /** The key under {@code oauth_clients} in a tenant file: {@code gmail}, {@code outlook}. */
  public String configKey() {
    return name().toLowerCase(Locale.ROOT);
  }
}
