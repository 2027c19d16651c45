package dev.mailgate.server;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How the gateway listens. TLS is on when both a PEM certificate chain and a PEM private key
 * are given; otherwise gRPC runs over cleartext HTTP/2 (h2c).
 *
 * @param host the address to bind
 * @param port the port to bind; 0 picks a free one
 * @param tlsCertificate PEM certificate chain
 * @param tlsKey PEM private key
 * @param migrationThreads size of the worker pool that runs database migrations
 */
public record GatewayOptions(String host, int port, Optional<Path> tlsCertificate, Optional<Path> tlsKey,
    int migrationThreads) {

  public GatewayOptions {
    if (tlsCertificate.isPresent() != tlsKey.isPresent()) {
      throw new IllegalArgumentException("TLS needs both a certificate and a key");
    }
  }

  public static GatewayOptions plaintext(String host, int port) {
    return new GatewayOptions(host, port, Optional.empty(), Optional.empty(), 2);
  }

  public boolean tls() {
    return tlsCertificate.isPresent();
  }
}
