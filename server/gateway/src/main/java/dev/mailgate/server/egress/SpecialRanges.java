package dev.mailgate.server.egress;

import dev.mailgate.tenant.config.IpRange;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The address blocks that are not the public internet (IANA special-purpose registries, RFC 6890
 * and successors): loopback, link-local, private, shared (CGNAT), multicast, unspecified,
 * broadcast, documentation, benchmarking and reserved. IPv6 forms that embed an IPv4 address
 * (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are judged by that IPv4 address.
 */
final class SpecialRanges {

  /** What an address is, by the block it lies in; the first match names it. */
  private static final Map<IpRange, String> BLOCKS = new LinkedHashMap<>();

  static {
    block("0.0.0.0/8", "unspecified (this network)");
    block("10.0.0.0/8", "private");
    block("100.64.0.0/10", "shared address space (CGNAT)");
    block("127.0.0.0/8", "loopback");
    block("169.254.0.0/16", "link-local");
    block("172.16.0.0/12", "private");
    block("192.0.0.0/24", "reserved for protocol assignments");
    block("192.0.2.0/24", "reserved for documentation");
    block("192.88.99.0/24", "reserved (6to4 relay anycast)");
    block("192.168.0.0/16", "private");
    block("198.18.0.0/15", "reserved for benchmarking");
    block("198.51.100.0/24", "reserved for documentation");
    block("203.0.113.0/24", "reserved for documentation");
    block("224.0.0.0/4", "multicast");
    block("240.0.0.0/4", "reserved (including broadcast)");
    block("::/128", "unspecified (this network)");
    block("::1/128", "loopback");
    block("100::/64", "reserved (discard-only)");
    block("64:ff9b:1::/48", "reserved for local NAT64");
    block("2001::/23", "reserved for protocol assignments");
    block("2001:db8::/32", "reserved for documentation");
    block("fc00::/7", "private (unique local)");
    block("fe80::/10", "link-local");
    block("fec0::/10", "private (site-local)");
    block("ff00::/8", "multicast");
  }

  private SpecialRanges() {}

  private static void block(String cidr, String name) {
    BLOCKS.put(IpRange.parse(cidr), name);
  }

  /** The address an IPv6 address stands for when it embeds an IPv4 one; otherwise itself. */
  static InetAddress effective(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address;
    }
    byte[] b = address.getAddress();
    boolean zeroPrefix = isZero(b, 0, 10);
    boolean mapped = zeroPrefix && b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    boolean compatible = zeroPrefix && b[10] == 0 && b[11] == 0 && !(isZero(b, 12, 15) && (b[15] == 0 || b[15] == 1));
    boolean nat64 = b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && isZero(b, 4, 12);
    try {
      if (mapped || compatible || nat64) {
        return InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
      }
      if (b[0] == 0x20 && b[1] == 0x02) {
        return InetAddress.getByAddress(Arrays.copyOfRange(b, 2, 6));
      }
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
    return address;
  }

  /** What kind of special address this is, or empty for a public one. */
  static Optional<String> kindOf(InetAddress address) {
    InetAddress judged = effective(address);
    for (Map.Entry<IpRange, String> block : BLOCKS.entrySet()) {
      if (block.getKey().contains(judged)) {
        return Optional.of(block.getValue());
      }
    }
    return Optional.empty();
  }

  static boolean isLoopback(InetAddress address) {
    return effective(address).isLoopbackAddress();
  }

  private static boolean isZero(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
