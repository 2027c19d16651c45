package dev.mailgate.tenant.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one tenant's data lives in PostgreSQL.
 *
 * <p>Two isolation modes: without {@code schema} the tenant owns database {@code name}
 * (database per tenant, the default); with {@code schema} several tenants share a database and
 * each uses its own schema (schema per tenant).
 *
 * @param host     database host name or IP address
 * @param port     TCP port, 1..65535
 * @param name     database name
 * @param user     role to connect as
 * @param password that role's password; may be empty for trust-auth development databases
 * @param poolSize most connections to open for this tenant, 1..100 (tenants sharing a database by schema share
 *                 one pool as large as the largest of their sizes)
 * @param schema   set in schema-per-tenant mode on a shared database
 * @param tls      whether and how to use TLS to the database ({@code database.ssl})
 */
public record DatabaseConfig(String host, int port, String name, String user, Secret password,
    int poolSize, Optional<String> schema, DatabaseTls tls) {

  /** How the gateway names itself to PostgreSQL ({@code application_name} in pg_stat_activity). */
  public static final String APPLICATION_NAME = "mailgate";

  public DatabaseConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(tls, "tls");
  }

  /** Without TLS ({@code ssl: false}) or requiring it unverified ({@code ssl: true}). */
  public DatabaseConfig(String host, int port, String name, String user, Secret password,
      int poolSize, Optional<String> schema, boolean ssl) {
    this(host, port, name, user, password, poolSize, schema, ssl ? DatabaseTls.REQUIRED : DatabaseTls.DISABLED);
  }

  /** Whether connections use TLS. */
  public boolean ssl() {
    return tls.enabled();
  }

  /**
   * The PostgreSQL JDBC URL, e.g.
   * {@code jdbc:postgresql://127.0.0.1:5432/mailgate_acme?ApplicationName=mailgate}, with
   * {@code sslmode=require} (or {@code sslmode=verify-full&sslrootcert=FILE}) when TLS is on and
   * {@code currentSchema} when a schema is set. Credentials are not part of the URL.
   */
  public String jdbcUrl() {
    String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    List<String> parameters = new ArrayList<>(List.of("ApplicationName=" + APPLICATION_NAME));
    if (tls.enabled()) {
      parameters.add("sslmode=" + tls.mode().sslmode());
    }
    tls.rootCert().ifPresent(file -> parameters.add("sslrootcert="
        + URLEncoder.encode(file.toString(), StandardCharsets.UTF_8)));
    schema.ifPresent(s -> parameters.add("currentSchema=" + s));
    return "jdbc:postgresql://" + hostPart + ":" + port + "/" + name + "?" + String.join("&", parameters);
  }
}
