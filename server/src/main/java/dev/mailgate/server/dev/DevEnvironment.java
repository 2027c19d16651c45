package dev.mailgate.server.dev;

import java.util.function.Function;

/**
 * The environment dev mode gives the tenant files: the real environment first, then the embedded
 * database's address, an empty password for every {@code *_DB_PASSWORD} (the embedded server
 * trusts local connections) and a placeholder for every {@code *_CLIENT_SECRET} (dev OAuth
 * servers accept any).
 */
final class DevEnvironment implements Function<String, String> {

  private final EmbeddedDatabase database;

  DevEnvironment(EmbeddedDatabase database) {
    this.database = database;
  }

  @Override
  public String apply(String name) {
    return switch (name) {
      case "MAILGATE_DB_HOST" -> database.host();
      case "MAILGATE_DB_PORT" -> Integer.toString(database.port());
      case "MAILGATE_DB_USER" -> EmbeddedDatabase.USER;
      default -> {
        String value = System.getenv(name);
        if (value != null) {
          yield value;
        }
        if (name.endsWith("_DB_PASSWORD")) {
          yield "";
        }
        yield name.endsWith("_CLIENT_SECRET") ? "dev-client-secret" : null;
      }
    };
  }
}
