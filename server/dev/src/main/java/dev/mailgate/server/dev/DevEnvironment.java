package dev.mailgate.server.dev;

import dev.mailgate.server.sandbox.EmbeddedDatabase;
import java.util.function.Function;

/**
 * The environment dev mode gives the tenant files: the embedded database's address and the
 * gateway's own URL (for OAuth redirect URIs), then the real environment, an empty password for every {@code *_DB_PASSWORD} (the embedded server
 * trusts local connections) and a placeholder for every {@code *_CLIENT_SECRET} (dev OAuth
 * servers accept any).
 */
final class DevEnvironment implements Function<String, String> {

  private final EmbeddedDatabase database;
  private final String publicUrl;

  DevEnvironment(EmbeddedDatabase database, String publicUrl) {
    this.database = database;
    this.publicUrl = publicUrl;
  }

  @Override
  public String apply(String name) {
    return switch (name) {
      case "MAILGATE_DB_HOST" -> database.host();
      case "MAILGATE_DB_PORT" -> Integer.toString(database.port());
      case "MAILGATE_DB_USER" -> EmbeddedDatabase.USER;
      case "MAILGATE_PUBLIC_URL" -> publicUrl;
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
