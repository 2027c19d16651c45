package dev.mailgate.tenant.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Test fixture: a valid tenant file to vary, the environment it needs, and helpers. */
final class TenantFiles {

  static final String DB_PASSWORD = "db-pw-7f3a9c";
  static final String GMAIL_SECRET = "gmail-secret-91c2e8";

  /** Environment with every secret {@link #validYaml(String)} refers to. */
  static final Map<String, String> SECRETS =
      Map.of("T_DB_PASSWORD", DB_PASSWORD, "T_GMAIL_SECRET", GMAIL_SECRET);

  private TenantFiles() {
  }

  static TenantConfigLoader loader(Map<String, String> environment) {
    return new TenantConfigLoader(environment::get);
  }

  /** A tenant file with every section set and no errors, for tenant {@code id}. */
  static String validYaml(String id) {
    return """
        id: @ID@
        database:
          host: db.example.internal
          port: 5432
          name: mailgate_@ID@
          user: mailgate
          password: { env: T_DB_PASSWORD }
        api_keys:
          - name: primary
            sha256: @PRIMARY@
          - name: secondary
            sha256: @SECONDARY@
        oauth_clients:
          gmail:
            client_id: @ID@-gmail
            client_secret: { env: T_GMAIL_SECRET }
            redirect_uri: https://mail.example.com/oauth2/callback
        allowed_return_urls: [ "https://app.example.com/connected" ]
        """
        .replace("@ID@", id)
        .replace("@PRIMARY@", ApiKeys.sha256Hex("key-primary"))
        .replace("@SECONDARY@", ApiKeys.sha256Hex("key-secondary"));
  }

  static Path write(Path dir, String fileName, String content) throws IOException {
    Path file = dir.resolve(fileName);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }

  /** The errors loading {@code file} fails with; fails the test if it loads. */
  static List<TenantConfigError> errorsLoading(TenantConfigLoader loader, Path file) {
    try {
      loader.loadFile(file);
    } catch (TenantConfigException e) {
      return e.errors();
    }
    throw new AssertionError(file + " loaded, but was expected to fail");
  }

  static List<String> fields(List<TenantConfigError> errors) {
    return errors.stream().map(TenantConfigError::field).toList();
  }
}
