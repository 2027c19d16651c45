package dev.mailgate.tenant.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The committed example tenants in {@code tenant-config/tenants} load as documented. */
class ExampleTenantsTest {

  private static final Path TENANTS = Path.of("tenants");
  private static final Map<String, String> ENVIRONMENT = Map.of(
      "ACME_DB_PASSWORD", "", // trust-auth dev database
      "ACME_GMAIL_CLIENT_SECRET", "acme-gmail-s3cret",
      "ACME_OUTLOOK_CLIENT_SECRET", "acme-outlook-s3cret",
      "GLOBEX_DB_PASSWORD", "globex-db-s3cret",
      "GLOBEX_GMAIL_CLIENT_SECRET", "globex-gmail-s3cret",
      "GLOBEX_OUTLOOK_CLIENT_SECRET", "globex-outlook-s3cret");

  private final TenantConfigLoader loader = TenantFiles.loader(ENVIRONMENT);

  @Test
  void exampleTenantsLoadWithoutErrorsInNameOrder() {
    LoadResult result = loader.loadDirectory(TENANTS);

    assertThat(result.errors()).isEmpty();
    assertThat(result.tenants()).extracting(TenantConfig::id).containsExactly("acme", "globex");
  }

  @Test
  void exampleApiKeysAreTheHashesOfTheDocumentedDevKeys() throws Exception {
    TenantConfig acme = loader.loadFile(TENANTS.resolve("acme.yaml"));
    TenantConfig globex = loader.loadFile(TENANTS.resolve("globex.yaml"));

    assertThat(acme.apiKeys()).singleElement().satisfies(key -> {
      assertThat(key.name()).isEqualTo("dev");
      assertThat(key.sha256()).isEqualTo(ApiKeys.sha256("mgk_dev_acme_5f2c9a7e41d8"));
      assertThat(key.matches("mgk_dev_globex_b83e06d2c7a4")).isFalse();
    });
    assertThat(globex.apiKeys()).singleElement()
        .satisfies(key -> assertThat(key.matches("mgk_dev_globex_b83e06d2c7a4")).isTrue());
    assertThat(acme.dashboardKeys()).singleElement()
        .satisfies(key -> assertThat(key.matches("mgd_dev_acme_7c41e09b2d5f")).isTrue());
    assertThat(globex.dashboardKeys()).isEmpty();
  }

  @Test
  void exampleDatabaseSettingsFallBackToTheirDefaultsWhenTheEnvironmentSetsNone() throws Exception {
    DatabaseConfig database = loader.loadFile(TENANTS.resolve("acme.yaml")).database();

    assertThat(database.host()).isEqualTo("127.0.0.1");
    assertThat(database.port()).isEqualTo(5432);
    assertThat(database.name()).isEqualTo("mailgate_acme");
    assertThat(database.user()).isEqualTo("mailgate");
    assertThat(database.password().isEmpty()).isTrue();
    assertThat(database.poolSize()).isEqualTo(4);
    assertThat(database.schema()).isEmpty();
    assertThat(database.ssl()).isFalse();
    assertThat(database.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/mailgate_acme?ApplicationName=mailgate");
  }

  @Test
  void exampleDatabaseSettingsTakeHostPortAndUserFromTheEnvironment() throws Exception {
    Map<String, String> environment = new HashMap<>(ENVIRONMENT);
    environment.putAll(Map.of("MAILGATE_DB_HOST", "db.internal", "MAILGATE_DB_PORT", "6543",
        "MAILGATE_DB_USER", "gateway"));

    DatabaseConfig database =
        TenantFiles.loader(environment).loadFile(TENANTS.resolve("globex.yaml")).database();

    assertThat(database.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/mailgate_globex?ApplicationName=mailgate");
    assertThat(database.user()).isEqualTo("gateway");
    assertThat(database.password().reveal()).isEqualTo("globex-db-s3cret");
  }

  @Test
  void exampleOAuthClientsReturnUrlsAndLimitsAreAsDocumented() throws Exception {
    TenantConfig acme = loader.loadFile(TENANTS.resolve("acme.yaml"));

    OAuthClientConfig gmail = acme.oauthClients().get(OAuthProvider.GMAIL);
    OAuthClientConfig outlook = acme.oauthClients().get(OAuthProvider.OUTLOOK);
    assertThat(gmail.clientId()).isEqualTo("acme-gmail-dev");
    assertThat(gmail.clientSecret().reveal()).isEqualTo("acme-gmail-s3cret");
    assertThat(gmail.redirectUri()).isEqualTo("http://127.0.0.1:8080/oauth2/callback");
    assertThat(outlook.clientId()).isEqualTo("acme-outlook-dev");
    assertThat(outlook.clientSecret().reveal()).isEqualTo("acme-outlook-s3cret");
    assertThat(acme.allowedReturnUrls()).containsExactly("http://localhost:3000/connected");
    assertThat(acme.allowedOrigins()).containsExactly("http://localhost:3000", "http://127.0.0.1:3000",
        "http://localhost:5173", "http://127.0.0.1:5173");
    assertThat(acme.rateLimits()).contains(RateLimits.of(50, 100));
    assertThat(acme.tokenKeysetFile()).isEqualTo(Optional.empty());
    assertThat(acme.source()).isEqualTo(TENANTS.resolve("acme.yaml"));
  }

  @Test
  void exampleTenantsNameEveryMissingSecretVariableWhenTheEnvironmentIsEmpty() {
    LoadResult result = TenantFiles.loader(Map.of()).loadDirectory(TENANTS);

    assertThat(result.tenants()).isEmpty();
    assertThat(result.errors()).extracting(TenantConfigError::toString).containsExactly(
        "tenants/acme.yaml: database.password: environment variable ACME_DB_PASSWORD is not set",
        "tenants/acme.yaml: oauth_clients.gmail.client_secret: "
            + "environment variable ACME_GMAIL_CLIENT_SECRET is not set",
        "tenants/acme.yaml: oauth_clients.outlook.client_secret: "
            + "environment variable ACME_OUTLOOK_CLIENT_SECRET is not set",
        "tenants/globex.yaml: database.password: environment variable GLOBEX_DB_PASSWORD is not set",
        "tenants/globex.yaml: oauth_clients.gmail.client_secret: "
            + "environment variable GLOBEX_GMAIL_CLIENT_SECRET is not set",
        "tenants/globex.yaml: oauth_clients.outlook.client_secret: "
            + "environment variable GLOBEX_OUTLOOK_CLIENT_SECRET is not set");
  }
}
