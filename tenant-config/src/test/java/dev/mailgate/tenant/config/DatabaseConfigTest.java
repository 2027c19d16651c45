package dev.mailgate.tenant.config;

import java.util.Optional;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The JDBC URL of each isolation mode. */
class DatabaseConfigTest {

  private static DatabaseConfig database(String host, Optional<String> schema, boolean ssl) {
    return new DatabaseConfig(host, 5432, "mailgate_acme", "mailgate", Secret.of("pw"), 4, schema, ssl);
  }

  @Test
  void databasePerTenantUrlNamesHostPortDatabaseAndTheGateway() {
    assertThat(database("127.0.0.1", Optional.empty(), false).jdbcUrl())
        .isEqualTo("jdbc:postgresql://127.0.0.1:5432/mailgate_acme?ApplicationName=mailgate");
  }

  @Test
  void sslRequiresTls() {
    assertThat(database("db.internal", Optional.empty(), true).jdbcUrl())
        .isEqualTo("jdbc:postgresql://db.internal:5432/mailgate_acme?ApplicationName=mailgate&sslmode=require");
  }

  @Test
  void schemaPerTenantSetsTheCurrentSchema() {
    assertThat(database("db.internal", Optional.of("acme"), false).jdbcUrl())
        .isEqualTo("jdbc:postgresql://db.internal:5432/mailgate_acme?ApplicationName=mailgate&currentSchema=acme");
    assertThat(database("db.internal", Optional.of("acme"), true).jdbcUrl())
        .isEqualTo("jdbc:postgresql://db.internal:5432/mailgate_acme?ApplicationName=mailgate&sslmode=require&currentSchema=acme");
  }

  @Test
  void ipv6HostIsBracketed() {
    assertThat(database("::1", Optional.empty(), false).jdbcUrl())
        .isEqualTo("jdbc:postgresql://[::1]:5432/mailgate_acme?ApplicationName=mailgate");
  }

  @Test
  void urlNeverContainsThePassword() {
    assertThat(database("127.0.0.1", Optional.of("acme"), true).jdbcUrl()).doesNotContain("pw");
  }
}
