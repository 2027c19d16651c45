package dev.mailgate.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mailgate.proto.v1.ListUsersRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.GatewayOptions;
import dev.mailgate.server.GatewayServer;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.vertx.core.Vertx;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** With a certificate configured, the same port serves gRPC over TLS (ALPN h2) and refuses cleartext. */
class TlsTest {

  @Test
  void gatewayServesGrpcOverTlsWhenACertificateIsConfigured() throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    Vertx vertx = Vertx.vertx();
    GatewayOptions options = GatewayOptions.local("127.0.0.1", 0, Files.createTempDirectory("mailgate-tls"))
        .withTls(Path.of(certificate.certificatePath()), Path.of(certificate.privateKeyPath()));
    GatewayServer server = TestGateway.await(GatewayServer.start(vertx, options, List.of()));
    ManagedChannel tls = Grpc.newChannelBuilderForAddress("localhost", server.port(),
        TlsChannelCredentials.newBuilder().trustManager(new File(certificate.certificatePath())).build()).build();
    ManagedChannel plain = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(),
        InsecureChannelCredentials.create()).build();
    try {
      // No tenants are configured, so an authenticated answer is impossible; what matters is
      // that the gateway's own UNAUTHENTICATED comes back through TLS.
      StatusRuntimeException overTls = catchThrowableOfType(StatusRuntimeException.class,
          () -> UserServiceGrpc.newBlockingStub(tls).withInterceptors(TestGateway.acme())
              .listUsers(ListUsersRequest.getDefaultInstance()));
      assertThat(overTls.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED);

      StatusRuntimeException cleartext = catchThrowableOfType(StatusRuntimeException.class,
          () -> UserServiceGrpc.newBlockingStub(plain).withDeadlineAfter(5, TimeUnit.SECONDS)
              .withInterceptors(TestGateway.acme()).listUsers(ListUsersRequest.getDefaultInstance()));
      assertThat(cleartext.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
    } finally {
      tls.shutdownNow();
      plain.shutdownNow();
      TestGateway.await(server.close());
      TestGateway.await(vertx.close());
    }
  }
}
