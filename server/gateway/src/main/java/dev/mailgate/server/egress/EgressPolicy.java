package dev.mailgate.server.egress;

import dev.mailgate.tenant.config.EgressConfig;

/**
 * Where the gateway may open connections on a caller's behalf (IMAP and SMTP servers today;
 * webhook URLs later). By default only the public internet: an address that is loopback,
 * link-local, private, shared (CGNAT), multicast, unspecified, broadcast or otherwise reserved
 * (see {@link SpecialRanges}), in IPv4 or IPv6 or an IPv6 form embedding such an IPv4 address,
 * is refused. A tenant may allow blocks in its file ({@code egress.allow}); dev mode allows
 * loopback.
 *
 * <p>The check is made on the resolved addresses at connect time, and the connection goes to
 * the address that was checked (never to the name again), so a name that resolves to a public
 * address when checked and to a private one a moment later (DNS rebinding) gets nowhere. A name
 * with any refused address is refused as a whole.
 *
 * @param resolver how names become addresses (the system's DNS; tests map their own names)
 * @param allowLoopback whether loopback addresses are allowed (dev mode and tests)
 * @param observer sees each checked address just before a connection is made to it
 */
public record EgressPolicy(HostResolver resolver, boolean allowLoopback, DialObserver observer) {

  /** The production policy: system DNS, loopback refused. */
  public static EgressPolicy strict() {
    return new EgressPolicy(HostResolver.SYSTEM, false, DialObserver.NONE);
  }

  /** This policy with loopback allowed (dev mode). */
  public EgressPolicy allowingLoopback() {
    return new EgressPolicy(resolver, true, observer);
  }

  /** This policy with names resolved by {@code other}. */
  public EgressPolicy withResolver(HostResolver other) {
    return new EgressPolicy(other, allowLoopback, observer);
  }

  /** This policy with every connection it lets through shown to {@code other} first. */
  public EgressPolicy withObserver(DialObserver other) {
    return new EgressPolicy(resolver, allowLoopback, other);
  }

  /** The policy as it applies to one tenant's connections. */
  public EgressGuard forTenant(EgressConfig tenant) {
    return new EgressGuard(this, tenant.allow());
  }
}
