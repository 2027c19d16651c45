package dev.mailgate.server.egress;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Sees every connection the egress policy lets through, just before the socket connects to the
 * checked address. Production uses {@link #NONE}; tests count attempts (and refuse anything that
 * would leave the machine).
 */
@FunctionalInterface
public interface DialObserver {

  DialObserver NONE = address -> { };

  /** Called with the checked address; throwing stops the connection. */
  void dialing(InetSocketAddress address) throws IOException;
}
