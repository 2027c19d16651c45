package dev.mailgate.tenant.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Loads and validates tenant files: one YAML file per tenant, named after its id. See
 * {@code tenant-config/tenants/README.md} for the format.
 *
 * <p>{@code ${VAR}} and {@code ${VAR:-default}} in any value are replaced from the environment
 * function given here; secrets are read from the environment or from files. Every problem is
 * reported with file and field, and never with a secret or environment value.
 */
public final class TenantConfigLoader {

  private final Function<String, String> environment;

  /**
   * @param environment looks up an environment variable, returning null when it is unset; the
   *                    server passes {@code System::getenv} or an overlay of it
   */
  public TenantConfigLoader(Function<String, String> environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  /**
   * Loads every {@code *.yaml} and {@code *.yml} file in {@code dir} (not hidden files, not
   * subdirectories), in file name order. A bad file contributes its errors and the others still
   * load; a tenant id already loaded from an earlier file is an error on the later one, and so is
   * a tenant whose data would share tables with an earlier one (the same database without
   * {@code schema}, or the same database and schema). A missing or unreadable directory is a
   * single error with an empty field.
   */
  public LoadResult loadDirectory(Path dir) {
    Optional<List<Path>> files = tenantFiles(dir);
    if (files.isEmpty()) {
      String problem = Files.isDirectory(dir) ? "cannot list tenant directory"
          : Files.exists(dir) ? "tenant directory is not a directory" : "tenant directory does not exist";
      return new LoadResult(List.of(), List.of(new TenantConfigError(dir, "", problem)));
    }
    List<TenantConfig> tenants = new ArrayList<>();
    List<TenantConfigError> errors = new ArrayList<>();
    Map<String, Path> fileById = new HashMap<>();
    Map<String, Path> fileByTables = new HashMap<>();
    for (Path file : files.get()) {
      try {
        TenantConfig tenant = loadFile(file);
        Path first = fileById.get(tenant.id());
        Path sharing = fileByTables.get(tablesOf(tenant.database()));
        if (first != null) {
          errors.add(new TenantConfigError(file, "id",
              "duplicate tenant id " + tenant.id() + " (already defined in " + first + ")"));
        } else if (sharing != null) {
          errors.add(new TenantConfigError(file, tenant.database().schema().isPresent() ? "database.schema" : "database",
              "would share tables with the tenant of " + sharing + " (" + describeTables(tenant.database())
                  + "); give each tenant a database of its own or a schema of its own"));
        } else {
          fileById.put(tenant.id(), file);
          fileByTables.put(tablesOf(tenant.database()), file);
          tenants.add(tenant);
        }
      } catch (TenantConfigException e) {
        errors.addAll(e.errors());
      }
    }
    return new LoadResult(tenants, errors);
  }

  /**
   * Loads one tenant file.
   *
   * @throws TenantConfigException with every problem found in the file
   */
  public TenantConfig loadFile(Path file) throws TenantConfigException {
    ParseContext context = new ParseContext(file, environment);
    Optional<TenantConfig> tenant = YamlDocumentReader.read(context)
        .flatMap(document -> new TenantFileParser(context).parse(document));
    if (context.hasErrors()) {
      throw new TenantConfigException(context.errors());
    }
    return tenant.orElseThrow(() -> new TenantConfigException(
        List.of(new TenantConfigError(file, "", "could not be loaded"))));
  }

  /** Where a tenant's tables live: two tenants with the same value would share them. */
  private static String tablesOf(DatabaseConfig db) {
    return db.host().toLowerCase(java.util.Locale.ROOT) + ":" + db.port() + "/" + db.name()
        + db.schema().map(schema -> "#" + schema).orElse("");
  }

  private static String describeTables(DatabaseConfig db) {
    String database = "database " + db.name() + " on " + db.host() + ":" + db.port();
    return db.schema().map(schema -> "schema " + schema + " of " + database).orElse(database + " without a schema");
  }

  private static Optional<List<Path>> tenantFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return Optional.of(entries
          .filter(TenantConfigLoader::isTenantFile)
          .sorted(Comparator.comparing(path -> path.getFileName().toString()))
          .toList());
    } catch (IOException | UncheckedIOException e) {
      return Optional.empty();
    }
  }

  private static boolean isTenantFile(Path path) {
    String name = path.getFileName().toString();
    return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml"))
        && Files.isRegularFile(path);
  }
}
