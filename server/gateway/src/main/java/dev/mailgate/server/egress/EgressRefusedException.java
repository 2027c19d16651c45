package dev.mailgate.server.egress;

import java.net.ConnectException;

/**
 * A host whose address the egress policy refuses. A {@link ConnectException}, so that code
 * reaching the network through a socket factory (Jakarta Mail) sees an ordinary failed connect.
 */
public final class EgressRefusedException extends ConnectException {

  private final String host;

  public EgressRefusedException(String host, String why) {
    super("the address of " + host + " is " + why + ", which this gateway does not connect to");
    this.host = host;
  }

  public String host() {
    return host;
  }
}
