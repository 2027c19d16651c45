package dev.mailgate.tenant.config;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.mailgate.tenant.config.TenantFiles.errorsLoading;
import static dev.mailgate.tenant.config.TenantFiles.fields;
import static dev.mailgate.tenant.config.TenantFiles.validYaml;
import static dev.mailgate.tenant.config.TenantFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code events.retention_days}: how long a tenant's mailbox events are kept. */
class EventsConfigTest {

  @TempDir
  Path dir;

  private final TenantConfigLoader loader = TenantFiles.loader(TenantFiles.SECRETS);

  @Test
  void eventsAreKeptSevenDaysUnlessTheTenantSaysOtherwise() throws Exception {
    TenantConfig tenant = loader.loadFile(write(dir, "acme.yaml", validYaml("acme")));
    TenantConfig longer = loader.loadFile(write(dir, "globex.yaml", validYaml("globex")
        + "events:\n  retention_days: 30\n"));

    assertThat(tenant.events().retentionDays()).isEqualTo(7);
    assertThat(longer.events().retention()).hasDays(30);
  }

  @Test
  void aRetentionOutsideOneToThreeHundredSixtyFiveDaysOrAnUnknownKeyIsAnError() throws Exception {
    assertThat(fields(errorsLoading(loader, write(dir, "acme.yaml", validYaml("acme")
        + "events:\n  retention_days: 0\n")))).containsExactly("events.retention_days");
    assertThat(fields(errorsLoading(loader, write(dir, "acme.yaml", validYaml("acme")
        + "events:\n  retention_days: 366\n")))).containsExactly("events.retention_days");
    assertThat(fields(errorsLoading(loader, write(dir, "acme.yaml", validYaml("acme")
        + "events:\n  keep: 3\n")))).containsExactly("events.keep");
  }
}
