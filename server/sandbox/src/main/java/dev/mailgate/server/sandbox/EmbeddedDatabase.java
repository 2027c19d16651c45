package dev.mailgate.server.sandbox;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A real PostgreSQL server run from the io.zonky binaries, for dev mode and tests. It keeps its
 * data in the given directory, so a dev gateway remembers users across restarts.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  public static final String USER = "postgres";

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts PostgreSQL with its data (and unpacked binaries) under {@code directory}. */
  public static EmbeddedDatabase start(Path directory) throws IOException {
    Files.createDirectories(directory.resolve("runtime"));
    EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setOverrideWorkingDirectory(directory.resolve("runtime").toFile())
        .setDataDirectory(directory.resolve("data"))
        .setCleanDataDirectory(false)
        .start();
    return new EmbeddedDatabase(postgres);
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return postgres.getPort();
  }

  /** Creates the database unless it exists. */
  public void createDatabase(String name) throws SQLException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
      var exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?");
      exists.setString(1, name);
      if (!exists.executeQuery().next()) {
        // Identifiers cannot be bound as parameters; quote it the way PostgreSQL does.
        connection.createStatement().execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
      }
    }
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
