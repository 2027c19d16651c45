package dev.mailgate.tenant.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.mailgate.tenant.config.TenantFiles.errorsLoading;
import static dev.mailgate.tenant.config.TenantFiles.validYaml;
import static dev.mailgate.tenant.config.TenantFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code database.ssl}: the boolean form as before, and verify-full with a CA file. */
class DatabaseTlsTest {

  @TempDir
  Path dir;

  private final TenantConfigLoader loader = TenantFiles.loader(TenantFiles.SECRETS);

  private Path tenantWithSsl(String ssl) throws Exception {
    return write(dir, "acme.yaml", validYaml("acme").replace("user: mailgate", "user: mailgate\n  ssl: " + ssl));
  }

  @Test
  void booleanSslStillMeansRequireOrNothing() throws Exception {
    DatabaseConfig on = loader.loadFile(tenantWithSsl("true")).database();
    assertThat(on.tls()).isEqualTo(DatabaseTls.REQUIRED);
    assertThat(on.jdbcUrl()).endsWith("?ApplicationName=mailgate&sslmode=require");

    DatabaseConfig off = loader.loadFile(tenantWithSsl("false")).database();
    assertThat(off.tls()).isEqualTo(DatabaseTls.DISABLED);
    assertThat(off.ssl()).isFalse();
    assertThat(off.jdbcUrl()).doesNotContain("sslmode");
  }

  @Test
  void verifyFullReadsTheCaFileRelativeToTheTenantFile() throws Exception {
    Path ca = write(dir, "certs/db-ca.pem", "-----BEGIN CERTIFICATE-----\n");

    DatabaseConfig db = loader.loadFile(tenantWithSsl("{ mode: verify-full, root_cert: { file: certs/db-ca.pem } }"))
        .database();

    assertThat(db.tls().mode()).isEqualTo(DatabaseTls.Mode.VERIFY_FULL);
    assertThat(db.tls().rootCert()).contains(ca.toAbsolutePath());
    assertThat(db.ssl()).isTrue();
    assertThat(db.jdbcUrl()).endsWith("&sslmode=verify-full&sslrootcert="
        + java.net.URLEncoder.encode(ca.toAbsolutePath().toString(), java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void requireModeMappingEqualsTrue() throws Exception {
    assertThat(loader.loadFile(tenantWithSsl("{ mode: require }")).database().tls()).isEqualTo(DatabaseTls.REQUIRED);
  }

  @Test
  void verifyFullWithoutACaFileIsAnError() throws Exception {
    assertThat(errorsLoading(loader, tenantWithSsl("{ mode: verify-full }"))).extracting(TenantConfigError::toString)
        .containsExactly(dir.resolve("acme.yaml") + ": database.ssl.root_cert: is required with mode verify-full");
  }

  @Test
  void unreadableCaFileUnknownModeAndCaWithoutVerificationAreErrors() throws Exception {
    assertThat(errorsLoading(loader, tenantWithSsl("{ mode: verify-full, root_cert: { file: missing.pem } }")))
        .extracting(TenantConfigError::field).containsExactly("database.ssl.root_cert.file");
    assertThat(errorsLoading(loader, tenantWithSsl("{ mode: verify-ca }"))).extracting(TenantConfigError::message)
        .containsExactly("must be disable, require or verify-full (was verify-ca)");
    write(dir, "ca.pem", "x");
    assertThat(errorsLoading(loader, tenantWithSsl("{ mode: require, root_cert: { file: ca.pem } }")))
        .extracting(TenantConfigError::toString)
        .containsExactly(dir.resolve("acme.yaml") + ": database.ssl.root_cert: is used only with mode verify-full");
  }

  @Test
  void aRootCertOnlyGoesWithVerifyFull() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> new DatabaseTls(DatabaseTls.Mode.REQUIRE, Optional.of(Files.createTempFile(dir, "ca", ".pem"))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
