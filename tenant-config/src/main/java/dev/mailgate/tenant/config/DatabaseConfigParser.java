package dev.mailgate.tenant.config;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads the {@code database} section of a tenant file. */
final class DatabaseConfigParser {

  static final int DEFAULT_POOL_SIZE = 4;
  static final int MAX_POOL_SIZE = 100;

  private static final List<String> KEYS =
      List.of("host", "port", "name", "user", "password", "pool_size", "schema", "ssl");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:\\[\\]-]+");
  private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]{0,62}");
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private DatabaseConfigParser() {
  }

  static Optional<DatabaseConfig> parse(MappingReader root) {
    Optional<MappingReader> section = root.mapping("database", true, KEYS);
    if (section.isEmpty()) {
      return Optional.empty();
    }
    MappingReader database = section.get();
    Optional<String> host = matching(database, "host", true, HOST,
        "must be a host name or IP address");
    Optional<Integer> port = database.integer("port", true, 1, 65535);
    Optional<String> name = matching(database, "name", true, DATABASE_NAME,
        "must be 1 to 63 letters, digits, '_' or '-'");
    Optional<String> user = database.string("user", true);
    Optional<Secret> password = SecretReferences.read(database, "password", true);
    Optional<Integer> poolSize = database.integer("pool_size", false, 1, MAX_POOL_SIZE);
    Optional<String> schema = matching(database, "schema", false, SCHEMA,
        "must be a lowercase PostgreSQL identifier: 1 to 63 of a-z, 0-9, '_', not starting with a digit");
    DatabaseTls tls = DatabaseTlsParser.parse(database);
    if (host.isEmpty() || port.isEmpty() || name.isEmpty() || user.isEmpty() || password.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new DatabaseConfig(host.get(), port.get(), name.get(), user.get(),
        password.get(), poolSize.orElse(DEFAULT_POOL_SIZE), schema, tls));
  }

  private static Optional<String> matching(MappingReader database, String key, boolean required,
      Pattern pattern, String requirement) {
    Optional<ScalarValue> value = database.scalar(key, required);
    if (value.isPresent() && !pattern.matcher(value.get().text().strip()).matches()) {
      database.context().error(database.field(key), requirement + value.get().was());
      return Optional.empty();
    }
    return value.map(v -> v.text().strip());
  }
}
