package dev.mailgate.tenant.config;

import java.util.Objects;

/**
 * A resolved secret value (password, client secret). Its {@link #toString()} never shows the
 * value, so a secret can sit in records and log lines without leaking; call {@link #reveal()}
 * only where the value is handed to the system that needs it.
 */
public final class Secret {

  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** Wraps {@code value}; empty is allowed (e.g. a trust-auth development database). */
  public static Secret of(String value) {
    return new Secret(value);
  }

  /** The secret value itself. */
  public String reveal() {
    return value;
  }

  /** Whether the value is the empty string. */
  public boolean isEmpty() {
    return value.isEmpty();
  }

  /** Always {@code Secret[redacted]}. */
  @Override
  public String toString() {
    return "Secret[redacted]";
  }
}
