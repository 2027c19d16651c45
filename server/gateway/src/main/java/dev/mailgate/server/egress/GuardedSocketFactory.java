package dev.mailgate.server.egress;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.List;
import javax.net.SocketFactory;

/**
 * Plain sockets whose {@code connect} goes through an {@link EgressGuard}: the host named by the
 * endpoint (its host string, not whatever the caller may already have resolved) is resolved by
 * the guard, every address is checked, and the socket connects to a checked address. TLS, when
 * wanted, is layered on top by the caller with the host name, so SNI and certificate checks see
 * the name and not the address.
 */
final class GuardedSocketFactory extends SocketFactory {

  private final EgressGuard guard;

  GuardedSocketFactory(EgressGuard guard) {
    this.guard = guard;
  }

  @Override
  public Socket createSocket() {
    return new GuardedSocket(guard);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    Socket socket = createSocket();
    socket.connect(InetSocketAddress.createUnresolved(host, port));
    return socket;
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    Socket socket = createSocket();
    socket.bind(new InetSocketAddress(localHost, localPort));
    socket.connect(InetSocketAddress.createUnresolved(host, port));
    return socket;
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    Socket socket = createSocket();
    socket.connect(new InetSocketAddress(host, port));
    return socket;
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    Socket socket = createSocket();
    socket.bind(new InetSocketAddress(localAddress, localPort));
    socket.connect(new InetSocketAddress(address, port));
    return socket;
  }

  /** A socket that connects only to addresses its guard allows. */
  private static final class GuardedSocket extends Socket {

    private final EgressGuard guard;

    GuardedSocket(EgressGuard guard) {
      this.guard = guard;
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      if (!(endpoint instanceof InetSocketAddress target)) {
        throw new SocketException("unsupported address type");
      }
      List<InetAddress> addresses = guard.resolve(target.getHostString());
      IOException last = null;
      for (InetAddress address : addresses) {
        InetSocketAddress checked = new InetSocketAddress(address, target.getPort());
        try {
          guard.observer().dialing(checked);
          super.connect(checked, timeout);
          return;
        } catch (IOException failed) {
          last = failed;
          if (isClosed()) {
            throw failed;
          }
        }
      }
      throw last;
    }
  }
}
