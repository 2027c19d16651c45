package dev.mailgate.tenant.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.mailgate.tenant.config.TenantFiles.validYaml;
import static dev.mailgate.tenant.config.TenantFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Secret values never show up in string forms or error messages. */
class SecretRedactionTest {

  @TempDir
  Path dir;

  @Test
  void secretToStringNeverShowsTheValue() {
    Secret secret = Secret.of("hunter2");

    assertThat(secret).hasToString("Secret[redacted]");
    assertThat(secret.reveal()).isEqualTo("hunter2");
    assertThat(secret.isEmpty()).isFalse();
    assertThat(Secret.of("").isEmpty()).isTrue();
  }

  @Test
  void loadedTenantToStringShowsNoSecretValue() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme"));

    TenantConfig tenant = TenantFiles.loader(TenantFiles.SECRETS).loadFile(file);

    assertThat(tenant.toString()).contains("Secret[redacted]")
        .doesNotContain(TenantFiles.DB_PASSWORD, TenantFiles.GMAIL_SECRET);
  }

  @Test
  void noErrorMessageContainsASecretOrVariableValue() throws Exception {
    Map<String, String> environment = Map.of(
        "T_DB_PASSWORD", "pw-must-not-leak",
        "T_GMAIL_SECRET", "client-secret-must-not-leak",
        "DB_PORT", "port-must-not-leak",
        "DB_NAME", "name/must/not/leak",
        "RETURN_URL", "url-must-not-leak");
    write(dir, "secrets/outlook", "file-secret-must-not-leak");
    Path file = write(dir, "acme.yaml", validYaml("acme")
        .replace("port: 5432", "port: ${DB_PORT}")
        .replace("name: mailgate_acme", "name: ${DB_NAME}")
        .replace("https://app.example.com/connected", "${RETURN_URL}")
        .replace("  gmail:", "  outlook:\n"
            + "    client_id: acme-outlook\n"
            + "    client_secret: { file: secrets/outlook }\n"
            + "    redirect_uri: not-a-url\n"
            + "  gmail:")
        .replace("name: primary", "name: primary\n    secret: inline-must-not-leak"));

    TenantConfigException thrown = assertThrows(
        TenantConfigException.class, () -> TenantFiles.loader(environment).loadFile(file));

    List<String> shown = thrown.errors().stream().map(TenantConfigError::toString).toList();
    assertThat(thrown.errors()).extracting(TenantConfigError::field).containsExactly(
        "database.port", "database.name", "api_keys[0].secret", "oauth_clients.outlook.redirect_uri",
        "allowed_return_urls[0]");
    for (String text : List.of(thrown.getMessage(), String.join("\n", shown))) {
      assertThat(text).doesNotContain("must-not-leak", "must/not/leak");
    }
  }
}
