package dev.mailgate.tenant.config;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.mailgate.tenant.config.TenantFiles.validYaml;
import static dev.mailgate.tenant.config.TenantFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

/** Loading a whole tenant directory. */
class DirectoryLoadingTest {

  @TempDir
  Path dir;

  private final TenantConfigLoader loader = TenantFiles.loader(TenantFiles.SECRETS);

  @Test
  void badFileDoesNotStopTheGoodOnes() throws Exception {
    write(dir, "acme.yaml", validYaml("acme"));
    Path bad = write(dir, "broken.yaml", validYaml("broken").replace("port: 5432", "port: high"));
    write(dir, "globex.yaml", validYaml("globex"));

    LoadResult result = loader.loadDirectory(dir);

    assertThat(result.tenants()).extracting(TenantConfig::id).containsExactly("acme", "globex");
    assertThat(result.errors()).extracting(TenantConfigError::toString)
        .containsExactly(bad + ": database.port: must be an integer (was high)");
  }

  @Test
  void duplicateTenantIdIsAnErrorOnTheLaterFile() throws Exception {
    Path first = write(dir, "acme.yaml", validYaml("acme"));
    Path later = write(dir, "acme.yml", validYaml("acme"));

    LoadResult result = loader.loadDirectory(dir);

    assertThat(result.tenants()).singleElement()
        .satisfies(tenant -> assertThat(tenant.source()).isEqualTo(first));
    assertThat(result.errors()).extracting(TenantConfigError::toString)
        .containsExactly(later + ": id: duplicate tenant id acme (already defined in " + first + ")");
  }

  @Test
  void secondTenantOwningTheSameDatabaseIsRefusedNamingBothFiles() throws Exception {
    Path first = write(dir, "acme.yaml", validYaml("acme"));
    Path later = write(dir, "globex.yaml", validYaml("globex").replace("name: mailgate_globex", "name: mailgate_acme")
        .replace("host: db.example.internal", "host: DB.example.internal"));

    LoadResult result = loader.loadDirectory(dir);

    assertThat(result.tenants()).extracting(TenantConfig::id).containsExactly("acme");
    assertThat(result.errors()).extracting(TenantConfigError::toString).containsExactly(later
        + ": database: would share tables with the tenant of " + first + " (database mailgate_acme on"
        + " DB.example.internal:5432 without a schema); give each tenant a database of its own or a schema of its own");
  }

  @Test
  void secondTenantOnTheSameSchemaIsRefusedWhileOtherSchemasAndTheOwnerLoad() throws Exception {
    write(dir, "acme.yaml", validYaml("acme"));
    Path hooli = write(dir, "hooli.yaml", inSchemaOfAcme("hooli", "shared"));
    write(dir, "initech.yaml", inSchemaOfAcme("initech", "initech"));
    Path later = write(dir, "pied.yaml", inSchemaOfAcme("pied", "shared"));

    LoadResult result = loader.loadDirectory(dir);

    assertThat(result.tenants()).extracting(TenantConfig::id).containsExactly("acme", "hooli", "initech");
    assertThat(result.errors()).singleElement().satisfies(error -> {
      assertThat(error.file()).isEqualTo(later);
      assertThat(error.field()).isEqualTo("database.schema");
      assertThat(error.message()).contains(hooli.toString(), "schema shared of database mailgate_acme");
    });
  }

  @Test
  void sameDatabaseNameOnAnotherServerIsNotShared() throws Exception {
    write(dir, "acme.yaml", validYaml("acme"));
    write(dir, "globex.yaml", validYaml("globex").replace("name: mailgate_globex", "name: mailgate_acme")
        .replace("port: 5432", "port: 5433"));

    LoadResult result = loader.loadDirectory(dir);

    assertThat(result.errors()).isEmpty();
    assertThat(result.tenants()).extracting(TenantConfig::id).containsExactly("acme", "globex");
  }

  private static String inSchemaOfAcme(String id, String schema) {
    return validYaml(id).replace("name: mailgate_" + id, "name: mailgate_acme\n  schema: " + schema);
  }

  @Test
  void onlyVisibleYamlFilesAreLoadedInFileNameOrder() throws Exception {
    write(dir, "zeta.yml", validYaml("zeta"));
    write(dir, "alpha.yaml", validYaml("alpha"));
    write(dir, "README.md", "# not a tenant");
    write(dir, ".hidden.yaml", "not: [valid");
    write(dir, "nested/beta.yaml", validYaml("beta"));

    LoadResult result = loader.loadDirectory(dir);

    assertThat(result.errors()).isEmpty();
    assertThat(result.tenants()).extracting(TenantConfig::id).containsExactly("alpha", "zeta");
  }

  @Test
  void missingDirectoryIsOneErrorWithAnEmptyField() {
    Path missing = dir.resolve("no-such-dir");

    LoadResult result = loader.loadDirectory(missing);

    assertThat(result.tenants()).isEmpty();
    assertThat(result.errors()).containsExactly(
        new TenantConfigError(missing, "", "tenant directory does not exist"));
  }

  @Test
  void fileGivenAsDirectoryIsOneError() throws Exception {
    Path file = Files.writeString(dir.resolve("tenants"), "");

    LoadResult result = loader.loadDirectory(file);

    assertThat(result.errors()).extracting(TenantConfigError::field).containsExactly("");
    assertThat(result.errors().get(0).message()).isEqualTo("tenant directory is not a directory");
  }

  @Test
  void emptyDirectoryLoadsNoTenantsAndNoErrors() {
    LoadResult result = loader.loadDirectory(dir);

    assertThat(result.tenants()).isEmpty();
    assertThat(result.errors()).isEmpty();
  }
}
