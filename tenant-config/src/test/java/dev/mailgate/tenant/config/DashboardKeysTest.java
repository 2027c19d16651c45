package dev.mailgate.tenant.config;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.mailgate.tenant.config.TenantFiles.errorsLoading;
import static dev.mailgate.tenant.config.TenantFiles.fields;
import static dev.mailgate.tenant.config.TenantFiles.validYaml;
import static dev.mailgate.tenant.config.TenantFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code dashboard_keys}: hashes of the keys that sign in to the read-only dashboard, kept apart from API keys. */
class DashboardKeysTest {

  @TempDir
  Path dir;

  private final TenantConfigLoader loader = TenantFiles.loader(TenantFiles.SECRETS);

  @Test
  void aTenantWithoutDashboardKeysHasNone() throws Exception {
    TenantConfig tenant = loader.loadFile(write(dir, "acme.yaml", validYaml("acme")));

    assertThat(tenant.dashboardKeys()).isEmpty();
  }

  @Test
  void dashboardKeysAreReadAsHashesBesideTheApiKeys() throws Exception {
    TenantConfig tenant = loader.loadFile(write(dir, "acme.yaml", validYaml("acme")
        + "dashboard_keys:\n  - name: ops\n    sha256: " + ApiKeys.sha256Hex("dash-key").toUpperCase() + "\n"));

    assertThat(tenant.dashboardKeys()).containsExactly(new ApiKey("ops", ApiKeys.sha256("dash-key")));
    assertThat(tenant.apiKeys()).extracting(ApiKey::name).containsExactly("primary", "secondary");
    // A copy that adds browser origins keeps them.
    assertThat(tenant.withAllowedOrigins(List.of("http://localhost:3000")).dashboardKeys())
        .isEqualTo(tenant.dashboardKeys());
  }

  @Test
  void aDashboardKeyThatIsAlsoAnApiKeyOrRepeatsAnotherIsAnError() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme") + """
        dashboard_keys:
          - name: ops
            sha256: %s
          - name: ops
            sha256: %s
          - name: again
            sha256: %s
          - name: pasted
            sha256: mgd_not_a_hash
        """.formatted(ApiKeys.sha256Hex("key-primary"), ApiKeys.sha256Hex("dash-1"), ApiKeys.sha256Hex("dash-1")));

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(fields(errors)).containsExactlyInAnyOrder("dashboard_keys[1].name", "dashboard_keys[2].sha256",
        "dashboard_keys[3].sha256", "dashboard_keys[0].sha256");
    assertThat(errors).extracting(TenantConfigError::message)
        .anySatisfy(message -> assertThat(message).contains("same key hash as an api key"))
        .anySatisfy(message -> assertThat(message).contains("duplicate dashboard key name ops"))
        .noneSatisfy(message -> assertThat(message).contains("mgd_not_a_hash"));
  }

  @Test
  void anEmptyListIsAnError() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme") + "dashboard_keys: []\n");

    assertThat(fields(errorsLoading(loader, file))).containsExactly("dashboard_keys");
  }
}
