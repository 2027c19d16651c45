package dev.mailgate.tenant.config;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.mailgate.tenant.config.TenantFiles.errorsLoading;
import static dev.mailgate.tenant.config.TenantFiles.fields;
import static dev.mailgate.tenant.config.TenantFiles.validYaml;
import static dev.mailgate.tenant.config.TenantFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code audit.retention_days}: how long a tenant's audit trail is kept. */
class AuditConfigTest {

  @TempDir
  Path dir;

  private final TenantConfigLoader loader = TenantFiles.loader(TenantFiles.SECRETS);

  @Test
  void theAuditTrailIsKeptNinetyDaysUnlessTheTenantSaysOtherwise() throws Exception {
    TenantConfig tenant = loader.loadFile(write(dir, "acme.yaml", validYaml("acme")));
    TenantConfig longer = loader.loadFile(write(dir, "globex.yaml", validYaml("globex")
        + "audit:\n  retention_days: 400\n"));

    assertThat(tenant.audit().retentionDays()).isEqualTo(90);
    assertThat(longer.audit().retention()).hasDays(400);
    assertThat(longer.withAllowedOrigins(java.util.List.of("https://app.example.com")).audit()).isEqualTo(longer.audit());
  }

  @Test
  void aRetentionOutsideOneDayToTenYearsOrAnUnknownKeyIsAnError() throws Exception {
    assertThat(fields(errorsLoading(loader, write(dir, "acme.yaml", validYaml("acme")
        + "audit:\n  retention_days: 0\n")))).containsExactly("audit.retention_days");
    assertThat(fields(errorsLoading(loader, write(dir, "acme.yaml", validYaml("acme")
        + "audit:\n  retention_days: 3651\n")))).containsExactly("audit.retention_days");
    assertThat(fields(errorsLoading(loader, write(dir, "acme.yaml", validYaml("acme")
        + "audit:\n  retention: P90D\n")))).containsExactly("audit.retention");
  }
}
