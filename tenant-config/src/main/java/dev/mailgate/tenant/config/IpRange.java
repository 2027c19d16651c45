package dev.mailgate.tenant.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A block of IP addresses in CIDR notation ({@code 10.20.0.0/16}, {@code fd00:1::/64}); a bare
 * address is a block of one. Parsing never looks a name up: only IPv4 dotted quads and IPv6
 * literals are accepted. An IPv4 block contains only IPv4 addresses (IPv4-mapped IPv6 addresses
 * are compared by their IPv4 address).
 *
 * @param network the first address of the block (host bits zero)
 * @param prefixLength how many leading bits are fixed
 */
public record IpRange(InetAddress network, int prefixLength) {

  private static final Pattern IPV4 = Pattern.compile(
      "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  /** What an entry must look like, for error messages. */
  public static final String REQUIREMENT = "must be an IP address or a CIDR block such as 10.20.0.0/16 or fd00::/8";

  public IpRange {
    int bits = network.getAddress().length * 8;
    if (prefixLength < 0 || prefixLength > bits) {
      throw new IllegalArgumentException("prefix length " + prefixLength + " is not between 0 and " + bits);
    }
    if (!Arrays.equals(network.getAddress(), masked(network.getAddress(), prefixLength))) {
      throw new IllegalArgumentException(network.getHostAddress() + "/" + prefixLength + " has host bits set");
    }
  }

  /** Parses {@code 10.20.0.0/16}, {@code 192.0.2.7}, {@code fd00::/8} or {@code ::1}. */
  public static IpRange parse(String text) {
    String value = text.strip();
    int slash = value.indexOf('/');
    String address = slash < 0 ? value : value.substring(0, slash);
    InetAddress network = literal(address);
    int bits = network.getAddress().length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String length = value.substring(slash + 1);
      if (!length.matches("[0-9]{1,3}")) {
        throw new IllegalArgumentException(REQUIREMENT);
      }
      prefix = Integer.parseInt(length);
    }
    return new IpRange(network, prefix);
  }

  /** An IPv4 dotted quad or an IPv6 literal, without any name lookup. */
  public static InetAddress literal(String text) {
    try {
      if (IPV4.matcher(text).matches()) {
        String[] parts = text.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
          bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return InetAddress.getByAddress(bytes);
      }
      if (IPV6.matcher(text).matches()) {
        // Brackets make the JDK parse a literal or fail; it never turns them into a lookup.
        return InetAddress.getByName("[" + text + "]");
      }
    } catch (UnknownHostException notLiteral) {
      // answered below
    }
    throw new IllegalArgumentException(REQUIREMENT);
  }

  /** Whether {@code address} lies in this block (same family, or IPv4-mapped IPv6 for an IPv4 block). */
  public boolean contains(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (network instanceof Inet4Address && bytes.length == 16 && isIpv4Mapped(bytes)) {
      bytes = Arrays.copyOfRange(bytes, 12, 16);
    }
    if (bytes.length != network.getAddress().length) {
      return false;
    }
    return Arrays.equals(masked(bytes, prefixLength), network.getAddress());
  }

  private static boolean isIpv4Mapped(byte[] v6) {
    for (int i = 0; i < 10; i++) {
      if (v6[i] != 0) {
        return false;
      }
    }
    return v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
  }

  private static byte[] masked(byte[] address, int prefixLength) {
    byte[] result = address.clone();
    for (int i = 0; i < result.length; i++) {
      int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
      result[i] = (byte) (result[i] & (0xff << (8 - keep)));
    }
    return result;
  }

  @Override
  public String toString() {
    return network.getHostAddress() + "/" + prefixLength;
  }
}
