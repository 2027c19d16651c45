package dev.mailgate.tenant.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.mailgate.tenant.config.TenantFiles.errorsLoading;
import static dev.mailgate.tenant.config.TenantFiles.fields;
import static dev.mailgate.tenant.config.TenantFiles.validYaml;
import static dev.mailgate.tenant.config.TenantFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code egress.allow}: the address blocks a tenant opens beyond the gateway's default refusals. */
class EgressConfigTest {

  @TempDir
  Path dir;

  private final TenantConfigLoader loader = TenantFiles.loader(TenantFiles.SECRETS);

  @Test
  void aTenantWithoutEgressAllowsNothingExtra() throws Exception {
    TenantConfig tenant = loader.loadFile(write(dir, "acme.yaml", validYaml("acme")));

    assertThat(tenant.egress().allow()).isEmpty();
  }

  @Test
  void allowedBlocksAreParsedAsCidrRanges() throws Exception {
    TenantConfig tenant = loader.loadFile(write(dir, "acme.yaml", validYaml("acme")
        + "egress:\n  allow: [ \"10.20.0.0/16\", \"192.0.2.7\", \"fd00:1::/32\" ]\n"));

    assertThat(tenant.egress().allow()).extracting(IpRange::toString)
        .containsExactly("10.20.0.0/16", "192.0.2.7/32", "fd00:1:0:0:0:0:0:0/32");
    assertThat(tenant.egress().allow().get(0).contains(InetAddress.getByName("10.20.3.4"))).isTrue();
    assertThat(tenant.egress().allow().get(0).contains(InetAddress.getByName("10.21.0.1"))).isFalse();
    assertThat(tenant.egress().allow().get(2).contains(InetAddress.getByName("fd00:1:ffff::1"))).isTrue();
    assertThat(tenant.egress().allow().get(2).contains(InetAddress.getByName("10.20.3.4"))).isFalse();
  }

  @Test
  void namesMalformedBlocksAndHostBitsAreErrorsNamingTheEntry() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme")
        + "egress:\n  allow: [ \"mail.internal\", \"10.20.0.1/16\", \"10.0.0.0/33\", \"10.1.2\", \"fe80::1%eth0\", \"\" ]\n"
        + "  deny: [ \"1.2.3.4\" ]\n");

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(fields(errors)).containsExactlyInAnyOrder("egress.deny", "egress.allow[0]", "egress.allow[1]",
        "egress.allow[2]", "egress.allow[3]", "egress.allow[4]", "egress.allow[5]");
    assertThat(errors).filteredOn(e -> e.field().equals("egress.allow[0]")).singleElement()
        .extracting(TenantConfigError::message).asString().startsWith(IpRange.REQUIREMENT);
    assertThat(errors).filteredOn(e -> e.field().equals("egress.allow[1]")).singleElement()
        .extracting(TenantConfigError::message).asString().contains("host bits set");
  }

  @Test
  void parsingNeverLooksANameUp() {
    // A name that a lookup might resolve is refused as text, before any resolver sees it.
    assertThatThrownBy(() -> IpRange.parse("localhost")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IpRange.parse("fg::1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IpRange.parse("1.2.3.4.example.com")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anIpv4BlockContainsTheIpv4MappedFormOfItsAddresses() throws Exception {
    IpRange block = IpRange.parse("10.0.0.0/8");
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 10;
    mapped[15] = 1;
    // The JDK folds ::ffff:a.b.c.d to IPv4; an Inet6Address built with a scope keeps the mapped bytes.
    assertThat(block.contains(java.net.Inet6Address.getByAddress(null, mapped, 0))).isTrue();
  }
}
