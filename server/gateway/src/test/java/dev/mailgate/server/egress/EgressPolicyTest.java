package dev.mailgate.server.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.server.testing.TestEgress;
import dev.mailgate.tenant.config.EgressConfig;
import dev.mailgate.tenant.config.IpRange;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy's decisions, and its sockets connecting only to what it checked. No traffic leaves this machine. */
class EgressPolicyTest {

  private final TestEgress network = new TestEgress();
  private final EgressGuard strict = network.strictPolicy().forTenant(EgressConfig.none());

  @Test
  void publicAddressesPassAndANameWithAnyRefusedAddressIsRefusedWhole() throws Exception {
    network.map("public.test", "93.184.216.34", "2606:4700::1").map("mixed.test", "93.184.216.34", "10.0.0.1");

    assertThat(strict.resolve("public.test")).hasSize(2);
    assertThatThrownBy(() -> strict.resolve("mixed.test")).isInstanceOf(EgressRefusedException.class)
        .hasMessageContaining("private");
  }

  @Test
  void embeddedIpv4FormsAreJudgedByTheirIpv4Address() throws Exception {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = (byte) 169;
    mapped[13] = (byte) 254;
    mapped[14] = (byte) 169;
    mapped[15] = (byte) 254;
    InetAddress mappedMetadata = Inet6Address.getByAddress(null, mapped, 0);

    assertThat(strict.refusalOf(mappedMetadata)).contains("link-local");
    assertThat(strict.refusalOf(IpRange.literal("64:ff9b::a9fe:a9fe"))).contains("link-local");
    assertThat(strict.refusalOf(IpRange.literal("2002:0a00:0001::1"))).contains("private");
    assertThat(strict.refusalOf(IpRange.literal("64:ff9b::5db8:d822"))).isEmpty();
  }

  @Test
  void aTenantsAllowedBlockAndDevModeLoopbackAreExceptionsOnlyForThem() throws Exception {
    EgressGuard tenant = network.strictPolicy().forTenant(new EgressConfig(List.of(IpRange.parse("10.20.0.0/16"))));
    EgressGuard dev = network.devPolicy().forTenant(EgressConfig.none());

    assertThat(tenant.refusalOf(IpRange.literal("10.20.9.9"))).isEmpty();
    assertThat(tenant.refusalOf(IpRange.literal("::ffff:10.20.9.9"))).isEmpty();
    assertThat(tenant.refusalOf(IpRange.literal("10.21.0.1"))).contains("private");
    assertThat(strict.refusalOf(IpRange.literal("10.20.9.9"))).contains("private");
    assertThat(dev.refusalOf(IpRange.literal("127.0.0.1"))).isEmpty();
    assertThat(dev.refusalOf(IpRange.literal("::1"))).isEmpty();
    assertThat(strict.refusalOf(IpRange.literal("127.0.0.1"))).contains("loopback");
    assertThat(tenant.fingerprint()).isNotEqualTo(strict.fingerprint()).isNotEqualTo(dev.fingerprint());
  }

  @Test
  void socketsConnectToTheAddressTheyCheckedAndNotToTheNameAgain() throws Exception {
    EgressGuard dev = network.devPolicy().forTenant(EgressConfig.none());
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      network.map("svc.test", "127.0.0.1");
      try (Socket socket = dev.socketFactory().createSocket("svc.test", server.getLocalPort())) {
        assertThat(socket.isConnected()).isTrue();
      }
      assertThat(network.dials()).containsExactly(new InetSocketAddress("127.0.0.1", server.getLocalPort()));

      // The name now points elsewhere (DNS rebinding): the socket refuses before connecting.
      network.map("svc.test", "169.254.169.254");
      assertThatThrownBy(() -> dev.socketFactory().createSocket("svc.test", server.getLocalPort()))
          .isInstanceOf(EgressRefusedException.class);
      Socket unconnected = dev.socketFactory().createSocket();
      assertThatThrownBy(() -> unconnected.connect(new InetSocketAddress(IpRange.literal("10.0.0.1"), 143), 1000))
          .isInstanceOf(EgressRefusedException.class);
      assertThat(network.dials()).hasSize(1);
    }
  }
}
