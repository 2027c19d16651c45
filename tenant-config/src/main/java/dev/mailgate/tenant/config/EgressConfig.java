package dev.mailgate.tenant.config;

import java.util.List;

/**
 * Where the gateway may connect on this tenant's behalf (IMAP and SMTP servers today), beyond
 * the public internet that is always allowed.
 *
 * @param allow address blocks the tenant's connections may reach even though the gateway refuses
 *     them by default (private, loopback, link-local and other special-purpose ranges)
 */
public record EgressConfig(List<IpRange> allow) {

  public EgressConfig {
    allow = List.copyOf(allow);
  }

  /** No exceptions to the gateway's default refusals. */
  public static EgressConfig none() {
    return new EgressConfig(List.of());
  }
}
