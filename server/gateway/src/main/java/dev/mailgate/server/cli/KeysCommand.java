package dev.mailgate.server.cli;

import dev.mailgate.server.crypto.FileMasterKey;
import dev.mailgate.server.crypto.SecretField;
import dev.mailgate.server.crypto.SecretUnreadableException;
import dev.mailgate.server.crypto.TenantKeysets;
import dev.mailgate.server.crypto.TokenCipher;
import dev.mailgate.tenant.config.DatabaseConfig;
import dev.mailgate.tenant.config.LoadResult;
import dev.mailgate.tenant.config.TenantConfig;
import dev.mailgate.tenant.config.TenantConfigError;
import dev.mailgate.tenant.config.TenantConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code mailgate keys}: rotates a tenant's token keyset and moves its stored secrets to the new
 * primary key, and makes dashboard keys. Never prints a secret, except the new dashboard key that
 * {@code create-dashboard-key} makes and shows once: otherwise only tenant ids, key ids, connection
 * ids and counts.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "Manages the keysets that encrypt each tenant's stored tokens and passwords, and makes dashboard keys.",
    subcommands = {KeysCommand.CreateMasterKey.class, KeysCommand.Rotate.class, KeysCommand.Reencrypt.class,
        DashboardKeyCommand.class})
public final class KeysCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand: create-master-key, rotate, reencrypt or create-dashboard-key");
  }

  /** The options every {@code keys} subcommand takes, and what they lead to. */
  static final class TenantKeyOptions {

    @Option(names = "--config", required = true, paramLabel = "DIR",
        description = "Directory of tenant files (*.yaml).")
    Path config;

    @Option(names = "--master-key", required = true, paramLabel = "FILE",
        description = "The master key file that encrypts the tenant keysets.")
    Path masterKey;

    @Option(names = "--keyset-dir", required = true, paramLabel = "DIR",
        description = "Where keysets live for tenants whose file sets no token_keyset.")
    Path keysetDirectory;

    @Option(names = "--tenant", required = true, paramLabel = "ID", description = "The tenant to work on.")
    String tenantId;

    /** The tenant's configuration; other tenants' files may be broken without stopping this. */
    TenantConfig tenant(CommandSpec spec) {
      LoadResult result = new TenantConfigLoader(System::getenv).loadDirectory(config);
      for (TenantConfig tenant : result.tenants()) {
        if (tenant.id().equals(tenantId)) {
          return tenant;
        }
      }
      for (TenantConfigError error : result.errors()) {
        spec.commandLine().getErr().println("tenant config error: " + error);
      }
      throw new ParameterException(spec.commandLine(), "no valid tenant " + tenantId + " in " + config);
    }

    /** The tenant keysets under the master key; an existing master key only, never a new one. */
    TenantKeysets keysets(CommandSpec spec) throws Exception {
      if (!Files.isRegularFile(masterKey)) {
        throw new ParameterException(spec.commandLine(), "no master key file " + masterKey);
      }
      return new TenantKeysets(FileMasterKey.load(masterKey), keysetDirectory);
    }

    /** Fails unless the tenant already has a keyset: a wrong --keyset-dir must not create one. */
    void requireKeyset(CommandSpec spec, TenantKeysets keysets, TenantConfig tenant) {
      Path file = keysets.fileOf(tenant);
      if (!Files.isRegularFile(file)) {
        throw new ParameterException(spec.commandLine(), "tenant " + tenant.id() + " has no token keyset at "
            + file + " (check --keyset-dir and the tenant's token_keyset)");
      }
    }
  }

  /** {@code mailgate keys create-master-key}: the file {@code serve --master-key} needs; never overwrites one. */
  @Command(name = "create-master-key", mixinStandardHelpOptions = true,
      description = "Creates a new master key file (0600) for `serve --master-key`; refuses to overwrite one.")
  static final class CreateMasterKey implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--master-key", required = true, paramLabel = "FILE", description = "The file to create.")
    Path masterKey;

    @Override
    public Integer call() throws Exception {
      if (Files.exists(masterKey)) {
        throw new ParameterException(spec.commandLine(), masterKey + " already exists; it is not overwritten");
      }
      FileMasterKey.loadOrCreate(masterKey);
      spec.commandLine().getOut().printf("created master key %s (keep it off the database host, back it up)%n", masterKey);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** {@code mailgate keys rotate}: a new primary key for one tenant. */
  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Adds a new primary key to a tenant's keyset; the old keys still decrypt.")
  static final class Rotate implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TenantKeyOptions options;

    @Override
    public Integer call() throws Exception {
      TenantConfig tenant = options.tenant(spec);
      TenantKeysets keysets = options.keysets(spec);
      options.requireKeyset(spec, keysets, tenant);
      int primary = keysets.rotate(tenant);
      PrintWriter out = spec.commandLine().getOut();
      out.printf("tenant %s: new primary key %s; old keys still decrypt; run `keys reencrypt` to move stored "
          + "tokens to it%n", tenant.id(), Integer.toUnsignedString(primary));
      out.println("note: running gateways load the new key the first time they meet a ciphertext made with it");
      out.flush();
      return 0;
    }
  }

  /** {@code mailgate keys reencrypt}: every stored secret of one tenant onto its primary key. */
  @Command(name = "reencrypt", mixinStandardHelpOptions = true,
      description = "Re-encrypts a tenant's stored secrets that are not under its primary key, one row lock at a time.")
  static final class Reencrypt implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TenantKeyOptions options;

    @Override
    public Integer call() throws Exception {
      TenantConfig tenant = options.tenant(spec);
      TenantKeysets keysets = options.keysets(spec);
      options.requireKeyset(spec, keysets, tenant);
      TokenCipher cipher = TokenCipher.of(tenant.id(), keysets.loadOrCreate(tenant));
      DatabaseConfig db = tenant.database();
      Reencryption result;
      try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password().reveal())) {
        result = new Reencryption(connection, cipher);
        result.run();
      }
      PrintWriter out = spec.commandLine().getOut();
      out.printf("tenant %s: re-encrypted %d secrets in %d connections%n", tenant.id(), result.secrets,
          result.connections);
      out.flush();
      if (!result.unreadable.isEmpty()) {
        PrintWriter err = spec.commandLine().getErr();
        err.printf("tenant %s: %d secrets cannot be decrypted with this keyset and were left as they are, "
            + "in connections %s%n", tenant.id(), result.unreadableSecrets, result.unreadable);
        err.flush();
        return 1;
      }
      return 0;
    }
  }

  /** A secret column of {@code connections} and the field its ciphertexts are bound to. */
  private record SecretColumn(String name, SecretField field) {}

  /** One pass over a tenant's {@code connections}: one transaction and row lock per connection. */
  private static final class Reencryption {

    private static final int PAGE_SIZE = 500;

    private final Connection db;
    private final TokenCipher cipher;
    int secrets;
    int connections;
    int unreadableSecrets;
    final Set<UUID> unreadable = new LinkedHashSet<>();

    Reencryption(Connection db, TokenCipher cipher) {
      this.db = db;
      this.cipher = cipher;
    }

    void run() throws SQLException {
      List<SecretColumn> columns = secretColumns();
      String names = columns.stream().map(SecretColumn::name).collect(Collectors.joining(", "));
      String anyStored = columns.stream().map(c -> c.name() + " IS NOT NULL").collect(Collectors.joining(" OR "));
      String page = "SELECT id FROM connections WHERE (" + anyStored + ") AND id > ? ORDER BY id LIMIT " + PAGE_SIZE;
      String first = "SELECT id FROM connections WHERE (" + anyStored + ") ORDER BY id LIMIT " + PAGE_SIZE;
      String lock = "SELECT " + names + " FROM connections WHERE id = ? FOR UPDATE";
      UUID after = null;
      while (true) {
        List<UUID> ids = new ArrayList<>();
        try (PreparedStatement select = db.prepareStatement(after == null ? first : page)) {
          if (after != null) {
            select.setObject(1, after);
          }
          try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              ids.add(rows.getObject(1, UUID.class));
            }
          }
        }
        for (UUID id : ids) {
          reencrypt(id, columns, lock);
        }
        if (ids.size() < PAGE_SIZE) {
          return;
        }
        after = ids.get(ids.size() - 1);
      }
    }

    /** access_token and refresh_token, and password once a migration has added it. */
    private List<SecretColumn> secretColumns() throws SQLException {
      List<SecretColumn> columns = new ArrayList<>(List.of(
          new SecretColumn("access_token", SecretField.ACCESS_TOKEN),
          new SecretColumn("refresh_token", SecretField.REFRESH_TOKEN)));
      try (PreparedStatement query = db.prepareStatement("SELECT 1 FROM information_schema.columns "
          + "WHERE table_schema = current_schema() AND table_name = 'connections' AND column_name = 'password'");
          ResultSet rows = query.executeQuery()) {
        if (rows.next()) {
          columns.add(new SecretColumn("password", SecretField.PASSWORD));
        }
      }
      return columns;
    }

    private void reencrypt(UUID id, List<SecretColumn> columns, String lock) throws SQLException {
      db.setAutoCommit(false);
      try {
        Map<SecretColumn, byte[]> rewritten = new LinkedHashMap<>();
        try (PreparedStatement select = db.prepareStatement(lock)) {
          select.setObject(1, id);
          try (ResultSet row = select.executeQuery()) {
            if (row.next()) {
              for (SecretColumn column : columns) {
                byte[] stored = row.getBytes(column.name());
                if (stored != null && !cipher.isCurrent(stored)) {
                  reencrypt(id, column, stored, rewritten);
                }
              }
            }
          }
        }
        if (!rewritten.isEmpty()) {
          update(id, rewritten);
          secrets += rewritten.size();
          connections++;
        }
        db.commit();
      } catch (SQLException | RuntimeException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    }

    private void reencrypt(UUID id, SecretColumn column, byte[] stored, Map<SecretColumn, byte[]> rewritten) {
      try {
        String secret = cipher.decrypt(id, column.field(), stored);
        rewritten.put(column, cipher.encrypt(id, column.field(), secret));
      } catch (SecretUnreadableException e) {
        unreadableSecrets++;
        unreadable.add(id);
      }
    }

    private void update(UUID id, Map<SecretColumn, byte[]> rewritten) throws SQLException {
      String assignments = rewritten.keySet().stream().map(c -> c.name() + " = ?").collect(Collectors.joining(", "));
      try (PreparedStatement update = db.prepareStatement("UPDATE connections SET " + assignments + " WHERE id = ?")) {
        int index = 1;
        for (byte[] ciphertext : rewritten.values()) {
          update.setBytes(index++, ciphertext);
        }
        update.setObject(index, id);
        update.executeUpdate();
      }
    }
  }
}
