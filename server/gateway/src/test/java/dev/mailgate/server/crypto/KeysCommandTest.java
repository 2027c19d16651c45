package dev.mailgate.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.cli.KeysCommand;
import dev.mailgate.server.testing.TestPostgres;
import dev.mailgate.tenant.config.ApiKeys;
import dev.mailgate.tenant.config.TenantConfig;
import dev.mailgate.tenant.config.TenantConfigLoader;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mailgate keys rotate} and {@code keys reencrypt} against a real tenant database. */
class KeysCommandTest {

  @TempDir
  Path dir;

  private TestPostgres postgres;
  private String database;
  private Path tenants;
  private Path masterKey;
  private Path keysetDir;
  private TenantKeysets keysets;
  private TenantConfig acme;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void setUp() throws Exception {
    postgres = TestPostgres.get();
    database = "keys_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    postgres.createDatabase(database);
    try (Connection connection = postgres.jdbc(database); Statement statement = connection.createStatement()) {
      statement.execute(migration("db/migration/V1__users_and_connections.sql"));
      statement.execute("INSERT INTO users (external_id) VALUES ('user-1')");
    }
    tenants = Files.createDirectories(dir.resolve("tenants"));
    Path password = Files.writeString(Files.createDirectories(dir.resolve("secrets")).resolve("db-password"),
        postgres.password());
    Files.writeString(tenants.resolve("acme.yaml"), """
        id: acme
        database:
          host: %s
          port: %d
          name: %s
          user: %s
          password: { file: %s }
        api_keys:
          - name: test
            sha256: %s
        """.formatted(postgres.host(), postgres.port(), database, postgres.user(), password,
        ApiKeys.sha256Hex("mgk_test_keys_command")));
    acme = new TenantConfigLoader(System::getenv).loadFile(tenants.resolve("acme.yaml"));
    masterKey = dir.resolve("master-key.json");
    keysetDir = dir.resolve("keysets");
    keysets = new TenantKeysets(FileMasterKey.loadOrCreate(masterKey), keysetDir);
  }

  @Test
  void rotateThenReencryptMovesEveryStoredTokenToTheNewPrimaryKey() throws Exception {
    TokenCipher oldCipher = TokenCipher.of("acme", keysets.loadOrCreate(acme));
    UUID both = insertConnection("both@acme.test", oldCipher, "access-1", "refresh-1");
    UUID refreshOnly = insertConnection("refresh@acme.test", oldCipher, null, "refresh-2");
    UUID none = insertConnection("none@acme.test", oldCipher, null, null);

    assertThat(run("rotate")).isZero();
    int primary = keysets.loadOrCreate(acme).getPrimary().getId();
    assertThat(out.toString()).contains("tenant acme: new primary key " + Integer.toUnsignedString(primary)
        + "; old keys still decrypt; run `keys reencrypt` to move stored tokens to it");
    TokenCipher newCipher = TokenCipher.of("acme", keysets.loadOrCreate(acme));
    UUID alreadyCurrent = insertConnection("current@acme.test", newCipher, "access-3", null);
    byte[] currentBefore = stored(alreadyCurrent).get("access_token");

    assertThat(run("reencrypt")).as(err.toString()).isZero();

    assertThat(out.toString()).contains("tenant acme: re-encrypted 3 secrets in 2 connections");
    assertStored(newCipher, both, Map.of("access_token", "access-1", "refresh_token", "refresh-1"));
    assertStored(newCipher, refreshOnly, Map.of("refresh_token", "refresh-2"));
    assertStored(newCipher, none, Map.of());
    assertStored(newCipher, alreadyCurrent, Map.of("access_token", "access-3"));
    assertThat(stored(alreadyCurrent).get("access_token")).isEqualTo(currentBefore); // left alone
    assertThat(out.toString() + err.toString()).doesNotContain("access-", "refresh-");

    out.getBuffer().setLength(0);
    assertThat(run("reencrypt")).isZero();
    assertThat(out.toString()).contains("re-encrypted 0 secrets in 0 connections");
  }

  @Test
  void reencryptHandlesThePasswordColumnOnceItExists() throws Exception {
    try (Connection connection = postgres.jdbc(database); Statement statement = connection.createStatement()) {
      statement.execute("ALTER TABLE connections ADD COLUMN password BYTEA");
    }
    TokenCipher oldCipher = TokenCipher.of("acme", keysets.loadOrCreate(acme));
    UUID imap = insertConnection("imap@acme.test", oldCipher, null, null);
    try (Connection connection = postgres.jdbc(database);
        PreparedStatement update = connection.prepareStatement("UPDATE connections SET password = ? WHERE id = ?")) {
      update.setBytes(1, oldCipher.encrypt(imap, SecretField.PASSWORD, "imap-password"));
      update.setObject(2, imap);
      update.executeUpdate();
    }

    assertThat(run("rotate")).isZero();
    assertThat(run("reencrypt")).as(err.toString()).isZero();

    assertThat(out.toString()).contains("re-encrypted 1 secrets in 1 connections");
    assertStored(TokenCipher.of("acme", keysets.loadOrCreate(acme)), imap, Map.of("password", "imap-password"));
  }

  @Test
  void reencryptLeavesUnreadableCiphertextsAloneAndFails() throws Exception {
    TokenCipher oldCipher = TokenCipher.of("acme", keysets.loadOrCreate(acme));
    UUID good = insertConnection("good@acme.test", oldCipher, "access-good", null);
    UUID moved = insertConnection("moved@acme.test", oldCipher, null, null);
    byte[] copied = stored(good).get("access_token"); // bound to the other connection
    try (Connection connection = postgres.jdbc(database);
        PreparedStatement update = connection.prepareStatement(
            "UPDATE connections SET access_token = ? WHERE id = ?")) {
      update.setBytes(1, copied);
      update.setObject(2, moved);
      update.executeUpdate();
    }

    assertThat(run("rotate")).isZero();
    assertThat(run("reencrypt")).isEqualTo(1);

    assertThat(out.toString()).contains("re-encrypted 1 secrets in 1 connections");
    assertThat(err.toString()).contains("1 secrets cannot be decrypted", moved.toString());
    assertThat(stored(moved).get("access_token")).isEqualTo(copied);
    assertStored(TokenCipher.of("acme", keysets.loadOrCreate(acme)), good, Map.of("access_token", "access-good"));
  }

  @Test
  void refusesToWorkWithoutAnExistingKeysetOrMasterKey() throws Exception {
    assertThat(run("rotate")).isEqualTo(2);
    assertThat(err.toString()).contains("has no token keyset");
    assertThat(keysets.fileOf(acme)).doesNotExist();

    keysets.loadOrCreate(acme);
    Files.delete(masterKey);
    assertThat(run("reencrypt")).isEqualTo(2);
    assertThat(err.toString()).contains("no master key file");
    assertThat(masterKey).doesNotExist();
  }

  @Test
  void unknownTenantIsAnError() {
    int exit = new CommandLine(new KeysCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute("rotate", "--config", tenants.toString(), "--master-key", masterKey.toString(),
            "--keyset-dir", keysetDir.toString(), "--tenant", "globex");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("no valid tenant globex");
  }

  private int run(String subcommand) {
    return new CommandLine(new KeysCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(subcommand, "--config", tenants.toString(), "--master-key", masterKey.toString(),
            "--keyset-dir", keysetDir.toString(), "--tenant", "acme");
  }

  private UUID insertConnection(String email, TokenCipher cipher, String accessToken, String refreshToken)
      throws Exception {
    UUID id = UUID.randomUUID();
    try (Connection connection = postgres.jdbc(database);
        PreparedStatement insert = connection.prepareStatement("INSERT INTO connections "
            + "(id, user_id, provider, email_address, status, access_token, refresh_token) "
            + "VALUES (?, (SELECT id FROM users WHERE external_id = 'user-1'), 'GMAIL', ?, 'ACTIVE', ?, ?)")) {
      insert.setObject(1, id);
      insert.setString(2, email);
      insert.setBytes(3, accessToken == null ? null : cipher.encrypt(id, SecretField.ACCESS_TOKEN, accessToken));
      insert.setBytes(4, refreshToken == null ? null : cipher.encrypt(id, SecretField.REFRESH_TOKEN, refreshToken));
      insert.executeUpdate();
    }
    return id;
  }

  /** The connection's non-null secret columns. */
  private Map<String, byte[]> stored(UUID id) throws Exception {
    Map<String, byte[]> columns = new LinkedHashMap<>();
    try (Connection connection = postgres.jdbc(database);
        PreparedStatement select = connection.prepareStatement("SELECT * FROM connections WHERE id = ?")) {
      select.setObject(1, id);
      try (ResultSet row = select.executeQuery()) {
        assertThat(row.next()).isTrue();
        for (String column : new String[] {"access_token", "refresh_token", "password"}) {
          if (hasColumn(row, column) && row.getBytes(column) != null) {
            columns.put(column, row.getBytes(column));
          }
        }
      }
    }
    return columns;
  }

  private void assertStored(TokenCipher cipher, UUID id, Map<String, String> expected) throws Exception {
    Map<String, byte[]> stored = stored(id);
    assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (var column : stored.entrySet()) {
      SecretField field = SecretField.valueOf(column.getKey().toUpperCase(Locale.ROOT));
      assertThat(cipher.isCurrent(column.getValue())).as(column.getKey()).isTrue();
      assertThat(cipher.decrypt(id, field, column.getValue())).isEqualTo(expected.get(column.getKey()));
    }
  }

  private static boolean hasColumn(ResultSet row, String column) throws Exception {
    for (int i = 1; i <= row.getMetaData().getColumnCount(); i++) {
      if (row.getMetaData().getColumnName(i).equals(column)) {
        return true;
      }
    }
    return false;
  }

  private static String migration(String resource) throws Exception {
    try (InputStream in = KeysCommandTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
