package dev.mailgate.server.testing;

import dev.mailgate.server.egress.DialObserver;
import dev.mailgate.server.egress.EgressPolicy;
import dev.mailgate.server.egress.HostResolver;
import dev.mailgate.tenant.config.IpRange;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The egress policy's view of the network in tests: names resolve only through a table the test
 * fills ({@code map("metadata.test", "169.254.169.254")}), IP literals and {@code localhost}
 * resolve to themselves without any lookup, and every connection the policy lets through is
 * recorded and, unless it goes to loopback, stopped before it is made: nothing leaves this machine.
 */
public final class TestEgress implements HostResolver, DialObserver {

  private final Map<String, List<InetAddress>> names = new ConcurrentHashMap<>();
  private final List<String> lookups = new CopyOnWriteArrayList<>();
  private final List<InetSocketAddress> dials = new CopyOnWriteArrayList<>();

  /** The gateway's production policy (loopback refused) seeing the network through this table. */
  public EgressPolicy strictPolicy() {
    return EgressPolicy.strict().withResolver(this).withObserver(this);
  }

  /** As in dev mode: loopback allowed. */
  public EgressPolicy devPolicy() {
    return strictPolicy().allowingLoopback();
  }

  /** Makes {@code host} resolve to {@code addresses} (IP literals), replacing what it resolved to. */
  public TestEgress map(String host, String... addresses) {
    names.put(host.toLowerCase(java.util.Locale.ROOT), Arrays.stream(addresses).map(IpRange::literal).toList());
    return this;
  }

  @Override
  public List<InetAddress> resolve(String host) throws UnknownHostException {
    lookups.add(host);
    List<InetAddress> mapped = names.get(host.toLowerCase(java.util.Locale.ROOT));
    if (mapped != null) {
      return mapped;
    }
    if (host.equalsIgnoreCase("localhost")) {
      return List.of(InetAddress.getLoopbackAddress());
    }
    try {
      return List.of(IpRange.literal(host));
    } catch (IllegalArgumentException notLiteral) {
      throw new UnknownHostException(host);
    }
  }

  @Override
  public void dialing(InetSocketAddress address) throws IOException {
    dials.add(address);
    if (!address.getAddress().isLoopbackAddress()) {
      throw new ConnectException("tests never connect off this machine (" + address + ")");
    }
  }

  /** Every connection the policy let through, in order. */
  public List<InetSocketAddress> dials() {
    return List.copyOf(dials);
  }

  /** Every name looked up, in order. */
  public List<String> lookups() {
    return List.copyOf(lookups);
  }
}
