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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a tenant file must look like, and how its problems are reported. */
class TenantFileValidationTest {

  @TempDir
  Path dir;

  private final TenantConfigLoader loader = TenantFiles.loader(TenantFiles.SECRETS);

  @Test
  void validFileLoadsWithDefaultsForOptionalFields() throws Exception {
    TenantConfig tenant = loader.loadFile(write(dir, "acme.yaml", validYaml("acme")));

    assertThat(tenant.id()).isEqualTo("acme");
    assertThat(tenant.apiKeys()).extracting(ApiKey::name).containsExactly("primary", "secondary");
    assertThat(tenant.apiKeys().get(1).matches("key-secondary")).isTrue();
    assertThat(tenant.database().poolSize()).isEqualTo(4);
    assertThat(tenant.database().ssl()).isFalse();
    assertThat(tenant.database().schema()).isEmpty();
    assertThat(tenant.oauthClients()).containsOnlyKeys(OAuthProvider.GMAIL);
    assertThat(tenant.rateLimits()).isEmpty();
    assertThat(tenant.tokenKeysetFile()).isEmpty();
  }

  @Test
  void unknownKeysAreRejectedWithTheirPathAtEveryLevel() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme")
        .replace("  host: db.example.internal", "  host: db.example.internal\n  hots: typo")
        .replace("    redirect_uri:", "    scope: mail\n    redirect_uri:")
        + "api_key: oops\nrate_limits: { burts: 5 }\n");

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(fields(errors)).containsExactly(
        "api_key", "database.hots", "oauth_clients.gmail.scope", "rate_limits.burts");
    assertThat(errors.get(1).message()).isEqualTo(
        "unknown key; expected one of host, port, name, user, password, pool_size, schema, ssl");
  }

  @Test
  void severalErrorsInOneFileAreAllReported() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme")
        .replace("port: 5432", "port: 70000")
        .replace("user: mailgate", "user: mailgate\n  ssl: maybe")
        .replace("sha256: " + ApiKeys.sha256Hex("key-secondary"), "sha256: abc123")
        .replace("https://mail.example.com/oauth2/callback", "/oauth2/callback")
        .replace("https://app.example.com/connected", "ftp://app.example.com/connected"));

    TenantConfigException thrown = assertThrows(
        TenantConfigException.class, () -> loader.loadFile(file));

    assertThat(fields(thrown.errors())).containsExactly("database.port", "database.ssl",
        "api_keys[1].sha256", "oauth_clients.gmail.redirect_uri", "allowed_return_urls[0]");
    assertThat(thrown.getMessage()).startsWith("5 tenant configuration errors:");
    thrown.errors().forEach(error -> assertThat(thrown.getMessage()).contains(error.toString()));
  }

  @Test
  void outOfRangePortNamesFileFieldAndValue() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme").replace("port: 5432", "port: 70000"));

    assertThatThrownBy(() -> loader.loadFile(file))
        .isInstanceOf(TenantConfigException.class)
        .hasMessage(file + ": database.port: must be between 1 and 65535 (was 70000)");
  }

  @Test
  void valuesOfTheWrongTypeAreRejected() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme")
        .replace("port: 5432", "port: [5432]")
        .replace("user: mailgate", "user: mailgate\n  pool_size: many")
        + "rate_limits: { requests_per_second: 0 }\n");

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(errors).extracting(TenantConfigError::toString).containsExactly(
        file + ": database.port: must be a single value, not a list",
        file + ": database.pool_size: must be an integer (was many)",
        file + ": rate_limits.requests_per_second: must be between 1 and 1000000 (was 0)");
  }

  @Test
  void missingRequiredFieldsAreEachReported() throws Exception {
    Path file = write(dir, "acme.yaml", "id: acme\ndatabase: { port: 5432 }\n");

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(fields(errors)).containsExactly("database.host", "database.name", "database.user",
        "database.password", "api_keys");
    assertThat(errors).allSatisfy(error -> assertThat(error.message()).startsWith("is required"));
  }

  @Test
  void tenantWithoutApiKeysIsRejected() throws Exception {
    String yaml = validYaml("acme");
    Path file = write(dir, "acme.yaml",
        yaml.substring(0, yaml.indexOf("api_keys:")) + "api_keys: []\n");

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(errors).extracting(TenantConfigError::toString)
        .containsExactly(file + ": api_keys: must contain at least one key");
  }

  @Test
  void idMustEqualTheFileName() throws Exception {
    Path file = write(dir, "globex.yaml", validYaml("acme"));

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(errors).extracting(TenantConfigError::toString).containsExactly(
        file + ": id: must equal the file name without extension, \"globex\" (was acme)");
  }

  @Test
  void idMustBeLowercaseLettersDigitsAndDashes() throws Exception {
    Path file = write(dir, "Acme_Corp.yaml", validYaml("Acme_Corp"));

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(fields(errors)).containsExactly("id");
    assertThat(errors.get(0).message()).startsWith("must be 1 to 63 lowercase letters");
  }

  @Test
  void sha256MustBe64HexCharactersAndAPastedKeyIsNotRepeated() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme")
        .replace("sha256: " + ApiKeys.sha256Hex("key-primary"), "sha256: mgk_live_pasted_by_mistake"));

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(fields(errors)).containsExactly("api_keys[0].sha256");
    assertThat(errors.get(0).toString()).startsWith(file + ": api_keys[0].sha256: must be exactly 64 hex")
        .doesNotContain("mgk_live_pasted_by_mistake");
  }

  @Test
  void apiKeyNamesMustBeUniqueWithinATenant() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme").replace("name: secondary", "name: primary"));

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(errors).extracting(TenantConfigError::toString).containsExactly(
        file + ": api_keys[1].name: duplicate api key name primary (also api_keys[0].name)");
  }

  @Test
  void duplicateYamlKeyIsReported() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme").replace("port: 5432", "port: 5432\n  port: 5433"));

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(errors).extracting(TenantConfigError::toString)
        .containsExactly(file + ": database.port: duplicate key");
  }

  @Test
  void yamlSyntaxErrorIsReportedForTheWholeFileWithLineAndColumn() throws Exception {
    Path file = write(dir, "acme.yaml", "id: acme\ndatabase: { host: [127.0.0.1\napi_keys: []\n");

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(errors).singleElement().satisfies(error -> {
      assertThat(error.field()).isEmpty();
      assertThat(error.message()).startsWith("YAML syntax error at line 3, column ");
    });
  }

  @Test
  void emptyFileAndNonMappingFileAreRejected() throws Exception {
    Path empty = write(dir, "acme.yaml", "# nothing yet\n");
    Path list = write(dir, "globex.yaml", "- id: globex\n");

    assertThat(errorsLoading(loader, empty)).extracting(TenantConfigError::message)
        .containsExactly("file is empty; expected the tenant's settings as a YAML mapping");
    assertThat(errorsLoading(loader, list)).extracting(TenantConfigError::field).containsExactly("");
  }
}
