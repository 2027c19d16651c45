package dev.mailgate.server.testing;

import dev.mailgate.server.sandbox.EmbeddedDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

/**
 * The PostgreSQL server the tests use: embedded (io.zonky) by default, or an external server
 * when {@code MAILGATE_TEST_POSTGRES=host:port} is set (with {@code MAILGATE_TEST_POSTGRES_USER}
 * and {@code MAILGATE_TEST_POSTGRES_PASSWORD}). One per test JVM.
 */
public final class TestPostgres {

  private static TestPostgres instance;

  private final String host;
  private final int port;
  private final String user;
  private final String password;

  private TestPostgres(String host, int port, String user, String password) {
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
  }

  public static synchronized TestPostgres get() throws Exception {
    if (instance == null) {
      String external = System.getenv("MAILGATE_TEST_POSTGRES");
      if (external != null && !external.isBlank()) {
        String[] hostPort = external.split(":");
        instance = new TestPostgres(hostPort[0], Integer.parseInt(hostPort[1]),
            System.getenv().getOrDefault("MAILGATE_TEST_POSTGRES_USER", "postgres"),
            System.getenv().getOrDefault("MAILGATE_TEST_POSTGRES_PASSWORD", ""));
      } else {
        Path dir = Files.createTempDirectory("mailgate-test-pg");
        EmbeddedDatabase embedded = EmbeddedDatabase.start(dir);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            embedded.close();
          } catch (Exception ignored) {
            // the JVM is exiting
          }
        }));
        instance = new TestPostgres(embedded.host(), embedded.port(), EmbeddedDatabase.USER, "");
      }
    }
    return instance;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** Creates a new, empty database. */
  public void createDatabase(String name) throws Exception {
    try (Connection connection = jdbc("postgres")) {
      connection.createStatement().execute("CREATE DATABASE \"" + name + "\"");
    }
  }

  /** Creates a new, empty database and answers its {@code postgresql://} URI (a coordination database). */
  public String createDatabaseUri(String name) throws Exception {
    createDatabase(name);
    String credentials = password.isEmpty() ? user : user + ":" + password;
    return "postgresql://" + credentials + "@" + host + ":" + port + "/" + name;
  }

  /** A JDBC connection to one database, for asserting what the gateway stored. */
  public Connection jdbc(String database) throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, user, password);
  }
}
