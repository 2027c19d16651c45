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

/** {@code ${VAR}} and {@code ${VAR:-default}} in tenant files. */
class VariableSubstitutionTest {

  @TempDir
  Path dir;

  private static String withDatabaseFromVariables(String yaml) {
    return yaml.replace("host: db.example.internal", "host: ${DB_HOST:-127.0.0.1}")
        .replace("port: 5432", "port: ${DB_PORT:-5432}");
  }

  private static Map<String, String> secretsAnd(String... namesAndValues) {
    Map<String, String> environment = new HashMap<>(TenantFiles.SECRETS);
    for (int i = 0; i < namesAndValues.length; i += 2) {
      environment.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return environment;
  }

  @Test
  void defaultsApplyWhenVariablesAreUnset() throws Exception {
    Path file = write(dir, "acme.yaml", withDatabaseFromVariables(validYaml("acme")));

    DatabaseConfig database = TenantFiles.loader(TenantFiles.SECRETS).loadFile(file).database();

    assertThat(database.host()).isEqualTo("127.0.0.1");
    assertThat(database.port()).isEqualTo(5432);
  }

  @Test
  void setVariablesOverrideDefaultsAndAreTypedAfterSubstitution() throws Exception {
    Path file = write(dir, "acme.yaml", withDatabaseFromVariables(validYaml("acme")));

    DatabaseConfig database = TenantFiles.loader(secretsAnd("DB_HOST", "db.internal", "DB_PORT", "6543"))
        .loadFile(file).database();

    assertThat(database.host()).isEqualTo("db.internal");
    assertThat(database.port()).isEqualTo(6543);
  }

  @Test
  void emptyVariableFallsBackToTheDefaultLikeAShell() throws Exception {
    Path file = write(dir, "acme.yaml", withDatabaseFromVariables(validYaml("acme")));

    DatabaseConfig database = TenantFiles.loader(secretsAnd("DB_HOST", "")).loadFile(file).database();

    assertThat(database.host()).isEqualTo("127.0.0.1");
  }

  @Test
  void variablesAreSubstitutedInsideLongerValues() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme")
        .replace("name: mailgate_acme", "name: mailgate_${DB_SUFFIX}"));

    DatabaseConfig database =
        TenantFiles.loader(secretsAnd("DB_SUFFIX", "staging")).loadFile(file).database();

    assertThat(database.name()).isEqualTo("mailgate_staging");
  }

  @Test
  void unsetVariableWithoutDefaultIsAnErrorNamingTheFieldAndTheVariable() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme").replace("user: mailgate", "user: ${DB_USER}"));

    List<TenantConfigError> errors = errorsLoading(TenantFiles.loader(TenantFiles.SECRETS), file);

    assertThat(errors).singleElement().satisfies(error -> {
      assertThat(error.field()).isEqualTo("database.user");
      assertThat(error.message()).isEqualTo("environment variable DB_USER is not set (no default given)");
    });
  }

  @Test
  void malformedVariableReferenceIsAnError() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme")
        .replace("host: db.example.internal", "host: ${DB_HOST:127.0.0.1}"));

    List<TenantConfigError> errors = errorsLoading(TenantFiles.loader(TenantFiles.SECRETS), file);

    assertThat(errors).extracting(TenantConfigError::field).containsExactly("database.host");
    assertThat(errors.get(0).message()).startsWith("malformed variable reference");
  }

  @Test
  void invalidValueFromAVariableIsReportedWithoutRepeatingIt() throws Exception {
    Path file = write(dir, "acme.yaml", withDatabaseFromVariables(validYaml("acme")));

    List<TenantConfigError> errors =
        errorsLoading(TenantFiles.loader(secretsAnd("DB_PORT", "70000")), file);

    assertThat(errors).singleElement().satisfies(error -> {
      assertThat(error.field()).isEqualTo("database.port");
      assertThat(error.message()).isEqualTo(
          "must be between 1 and 65535 (value comes from an environment variable)");
    });
  }
}
