package dev.mailgate.server.egress;

import dev.mailgate.tenant.config.IpRange;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.net.SocketFactory;

/**
 * The {@link EgressPolicy} for one tenant: resolves a host, checks every address, and makes
 * sockets that connect only to checked addresses. Blocking (name resolution): call it on a
 * worker thread.
 */
public final class EgressGuard {

  private final EgressPolicy policy;
  private final List<IpRange> allowed;
  private final SocketFactory sockets;

  EgressGuard(EgressPolicy policy, List<IpRange> allowed) {
    this.policy = policy;
    this.allowed = List.copyOf(allowed);
    this.sockets = new GuardedSocketFactory(this);
  }

  /**
   * The addresses of {@code host}, every one of them allowed.
   *
   * @throws EgressRefusedException if any address of the host is refused
   * @throws UnknownHostException if the host has no address
   */
  public List<InetAddress> resolve(String host) throws IOException {
    List<InetAddress> addresses = policy.resolver().resolve(host);
    if (addresses.isEmpty()) {
      throw new UnknownHostException(host);
    }
    for (InetAddress address : addresses) {
      Optional<String> refusal = refusalOf(address);
      if (refusal.isPresent()) {
        throw new EgressRefusedException(host, refusal.get());
      }
    }
    return addresses;
  }

  /** Why {@code address} is refused (its kind: "private", "link-local", ...), or empty when allowed. */
  public Optional<String> refusalOf(InetAddress address) {
    if (allowed.stream().anyMatch(range -> range.contains(address) || range.contains(SpecialRanges.effective(address)))) {
      return Optional.empty();
    }
    if (policy.allowLoopback() && SpecialRanges.isLoopback(address)) {
      return Optional.empty();
    }
    return SpecialRanges.kindOf(address);
  }

  /**
   * Sockets that resolve the host they are asked to connect to through this guard and connect to
   * a checked address (for Jakarta Mail's {@code mail.*.socketFactory}).
   */
  public SocketFactory socketFactory() {
    return sockets;
  }

  /** Identifies what this guard allows (for caches that must not share connections across policies). */
  public String fingerprint() {
    return policy.allowLoopback() + "|" + allowed.stream().map(IpRange::toString).collect(Collectors.joining(","));
  }

  /** What sees each checked address before a connection is made to it (callers that dial themselves call it). */
  public DialObserver observer() {
    return policy.observer();
  }
}
