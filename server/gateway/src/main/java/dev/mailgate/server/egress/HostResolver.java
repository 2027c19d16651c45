package dev.mailgate.server.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Turns a host name (or an IP literal) into the addresses to connect to. Blocking. */
@FunctionalInterface
public interface HostResolver {

  /** The JDK's resolver (the system's DNS, hosts file and cache). */
  HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

  /** Every address of {@code host}; at least one, or an {@link UnknownHostException}. */
  List<InetAddress> resolve(String host) throws UnknownHostException;
}
