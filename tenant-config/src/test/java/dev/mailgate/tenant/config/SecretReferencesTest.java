package dev.mailgate.tenant.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.mailgate.tenant.config.TenantFiles.errorsLoading;
import static dev.mailgate.tenant.config.TenantFiles.validYaml;
import static dev.mailgate.tenant.config.TenantFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

/** Secrets are only taken from the environment or from files, never inline. */
class SecretReferencesTest {

  private static final String INLINE = "secrets must not be inline; use {env: NAME} or {file: PATH}";

  @TempDir
  Path dir;

  private final TenantConfigLoader loader = TenantFiles.loader(TenantFiles.SECRETS);

  @Test
  void inlinePasswordIsRejectedWithoutRepeatingIt() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme")
        .replace("password: { env: T_DB_PASSWORD }", "password: hunter2-inline"));

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(errors).singleElement().satisfies(error -> {
      assertThat(error.field()).isEqualTo("database.password");
      assertThat(error.message()).isEqualTo(INLINE);
    });
  }

  @Test
  void inlineClientSecretIsRejected() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme")
        .replace("client_secret: { env: T_GMAIL_SECRET }", "client_secret: \"inline-client-secret\""));

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(errors).extracting(TenantConfigError::toString)
        .containsExactly(file + ": oauth_clients.gmail.client_secret: " + INLINE);
  }

  @Test
  void unsetSecretVariableIsNamed() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme")
        .replace("{ env: T_DB_PASSWORD }", "{ env: ACME_DB_PASSWORD }"));

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(errors).extracting(TenantConfigError::toString).containsExactly(
        file + ": database.password: environment variable ACME_DB_PASSWORD is not set");
  }

  @Test
  void emptyDatabasePasswordIsAllowedForTrustAuthDatabases() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme"));
    Map<String, String> environment = new HashMap<>(TenantFiles.SECRETS);
    environment.put("T_DB_PASSWORD", "");

    TenantConfig tenant = TenantFiles.loader(environment).loadFile(file);

    assertThat(tenant.database().password().isEmpty()).isTrue();
  }

  @Test
  void emptyClientSecretIsRejected() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme"));
    Map<String, String> environment = new HashMap<>(TenantFiles.SECRETS);
    environment.put("T_GMAIL_SECRET", "");

    List<TenantConfigError> errors = errorsLoading(TenantFiles.loader(environment), file);

    assertThat(errors).extracting(TenantConfigError::field)
        .containsExactly("oauth_clients.gmail.client_secret");
    assertThat(errors.get(0).message()).isEqualTo("must not be empty");
  }

  @Test
  void fileSecretIsResolvedRelativeToTheYamlAndTrimmed() throws Exception {
    Path configDir = dir.resolve("config");
    write(configDir, "secrets/acme-db-password", "  s3cret-from-file\n");
    Path file = write(configDir, "acme.yaml", validYaml("acme")
        .replace("{ env: T_DB_PASSWORD }", "{ file: secrets/acme-db-password }"));

    TenantConfig tenant = loader.loadFile(file);

    assertThat(tenant.database().password().reveal()).isEqualTo("s3cret-from-file");
  }

  @Test
  void missingSecretFileIsAnErrorNamingThePath() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme")
        .replace("{ env: T_DB_PASSWORD }", "{ file: secrets/missing }"));

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(errors).singleElement().satisfies(error -> {
      assertThat(error.field()).isEqualTo("database.password");
      assertThat(error.message()).startsWith("cannot read secret file secrets/missing (")
          .contains(dir.resolve("secrets/missing").toString());
    });
  }

  @Test
  void secretWithBothEnvAndFileIsRejected() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme")
        .replace("{ env: T_DB_PASSWORD }", "{ env: T_DB_PASSWORD, file: pw }"));

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(errors).extracting(TenantConfigError::toString)
        .containsExactly(file + ": database.password: must have exactly one of env or file");
  }

  @Test
  void secretReferenceWithAnUnknownKeyNamesTheKeyButNotItsValue() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme")
        .replace("{ env: T_DB_PASSWORD }", "{ value: pasted-secret }"));

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(errors).extracting(TenantConfigError::field)
        .contains("database.password.value");
    assertThat(errors).allSatisfy(error -> assertThat(error.toString()).doesNotContain("pasted-secret"));
  }

  @Test
  void tokenKeysetFileIsResolvedRelativeToTheYaml() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme") + "token_keyset: { file: keysets/acme.json }\n");

    TenantConfig tenant = loader.loadFile(file);

    assertThat(tenant.tokenKeysetFile()).contains(dir.toAbsolutePath().resolve("keysets/acme.json"));
  }
}
