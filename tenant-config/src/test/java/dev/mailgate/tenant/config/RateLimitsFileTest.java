package dev.mailgate.tenant.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.mailgate.tenant.config.TenantFiles.errorsLoading;
import static dev.mailgate.tenant.config.TenantFiles.validYaml;
import static dev.mailgate.tenant.config.TenantFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code rate_limits} section: absent means unlimited; its parts and how they are checked. */
class RateLimitsFileTest {

  @TempDir
  Path dir;

  private final TenantConfigLoader loader = TenantFiles.loader(TenantFiles.SECRETS);

  @Test
  void tenantWithoutRateLimitsIsNotLimited() throws Exception {
    TenantConfig tenant = loader.loadFile(write(dir, "acme.yaml", validYaml("acme")));

    assertThat(tenant.rateLimits()).isEmpty();
  }

  @Test
  void emptySectionGivesTheDocumentedTenantBucketAndNothingElse() throws Exception {
    TenantConfig tenant = loader.loadFile(write(dir, "acme.yaml", validYaml("acme") + "rate_limits: {}\n"));

    assertThat(tenant.rateLimits()).contains(RateLimits.of(50, 100));
    assertThat(tenant.rateLimits().orElseThrow().perUser()).isEmpty();
    assertThat(tenant.rateLimits().orElseThrow().maxInFlight()).isEmpty();
  }

  @Test
  void everyPartIsRead() throws Exception {
    TenantConfig tenant = loader.loadFile(write(dir, "acme.yaml", validYaml("acme") + """
        rate_limits:
          requests_per_second: 200
          burst: 400
          per_user: { requests_per_second: 20, burst: 40 }
          max_in_flight: 32
        """));

    assertThat(tenant.rateLimits()).contains(new RateLimits(new RateLimits.Rate(200, 400),
        Optional.of(new RateLimits.Rate(20, 40)), OptionalInt.of(32)));
  }

  @Test
  void perUserNeedsBothValuesAndKnownKeys() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme")
        + "rate_limits: { per_user: { requests_per_second: 5, brust: 3 } }\n");

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(errors).extracting(TenantConfigError::toString).containsExactly(
        file + ": rate_limits.per_user.brust: unknown key; expected one of requests_per_second, burst",
        file + ": rate_limits.per_user.burst: is required");
  }

  @Test
  void perUserMayNotExceedTheTenantAndMaxInFlightMustBePositive() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme") + """
        rate_limits:
          requests_per_second: 10
          burst: 20
          per_user: { requests_per_second: 11, burst: 21 }
          max_in_flight: 0
        """);

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(errors).extracting(TenantConfigError::toString).containsExactly(
        file + ": rate_limits.per_user.requests_per_second: must not exceed the tenant's requests_per_second (10)",
        file + ": rate_limits.per_user.burst: must not exceed the tenant's burst (20)",
        file + ": rate_limits.max_in_flight: must be between 1 and 100000 (was 0)");
  }
}
