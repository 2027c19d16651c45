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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code allowed_origins}: the web origins whose pages may call the gateway from a browser. */
class AllowedOriginsTest {

  @TempDir
  Path dir;

  private final TenantConfigLoader loader = TenantFiles.loader(TenantFiles.SECRETS);

  @Test
  void aTenantWithoutAllowedOriginsAllowsNoBrowserPage() throws Exception {
    TenantConfig tenant = loader.loadFile(write(dir, "acme.yaml", validYaml("acme")));

    assertThat(tenant.allowedOrigins()).isEmpty();
  }

  @Test
  void originsAreKeptInTheFormBrowsersSend() throws Exception {
    TenantConfig tenant = loader.loadFile(write(dir, "acme.yaml", validYaml("acme")
        + "allowed_origins: [ \"https://app.example.com\", \"HTTPS://Admin.Example.com:443\", "
        + "\"http://localhost:5173\", \"http://127.0.0.1:80\", \"http://[::1]:3000\" ]\n"));

    assertThat(tenant.allowedOrigins()).containsExactly("https://app.example.com", "https://admin.example.com",
        "http://localhost:5173", "http://127.0.0.1", "http://[::1]:3000");
  }

  @Test
  void wildcardsPathsAndOtherSchemesAreErrorsNamingTheEntry() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme")
        + "allowed_origins: [ \"*\", \"https://*.example.com\", \"https://app.example.com/\", \"null\", "
        + "\"ftp://files.example.com\", \"https://user@app.example.com\", \"app.example.com\", \"\", "
        + "\"https://ok.example.com\", \"https://OK.example.com:443\" ]\n");

    List<TenantConfigError> errors = errorsLoading(loader, file);

    assertThat(fields(errors)).containsExactly("allowed_origins[0]", "allowed_origins[1]", "allowed_origins[2]",
        "allowed_origins[3]", "allowed_origins[4]", "allowed_origins[5]", "allowed_origins[6]",
        "allowed_origins[7]", "allowed_origins[9]");
    assertThat(errors.get(0).message()).startsWith(BrowserOrigin.REQUIREMENT).contains("wildcard");
    assertThat(errors.get(8).message()).contains("repeats an earlier origin");
  }

  @Test
  void aListIsRequired() throws Exception {
    Path file = write(dir, "acme.yaml", validYaml("acme") + "allowed_origins: https://app.example.com\n");

    assertThat(fields(errorsLoading(loader, file))).containsExactly("allowed_origins");
  }

  @Test
  void addingOriginsKeepsTheFileOnesAndRefusesNonOrigins() throws Exception {
    TenantConfig tenant = loader.loadFile(write(dir, "acme.yaml", validYaml("acme")
        + "allowed_origins: [ \"https://app.example.com\" ]\n"));

    TenantConfig more = tenant.withAllowedOrigins(List.of("http://LOCALHOST:4200", "https://app.example.com"));

    assertThat(more.allowedOrigins()).containsExactly("https://app.example.com", "http://localhost:4200");
    assertThat(more.apiKeys()).isEqualTo(tenant.apiKeys());
    assertThatThrownBy(() -> tenant.withAllowedOrigins(List.of("*"))).isInstanceOf(IllegalArgumentException.class);
  }
}
