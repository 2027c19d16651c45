package dev.mailgate.server.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SchemaQualifierTest {

  private static final String SQL = "SELECT u.id FROM {schema}.users u JOIN {schema}.connections c ON c.user_id = u.id";

  @Test
  void schemaTenantStatementsNameTheQuotedSchema() {
    assertThat(new SchemaQualifier(Optional.of("bench0007")).qualify(SQL))
        .isEqualTo("SELECT u.id FROM \"bench0007\".users u JOIN \"bench0007\".connections c ON c.user_id = u.id");
  }

  @Test
  void databaseTenantStatementsNameTheTablesAlone() {
    assertThat(new SchemaQualifier(Optional.empty()).qualify(SQL))
        .isEqualTo("SELECT u.id FROM users u JOIN connections c ON c.user_id = u.id");
  }

  @Test
  void quotesInsideASchemaNameAreDoubled() {
    assertThat(new SchemaQualifier(Optional.of("a\"b")).qualify("SELECT 1 FROM {schema}.users"))
        .isEqualTo("SELECT 1 FROM \"a\"\"b\".users");
  }

  @Test
  void statementsWithoutTheMarkerAreLeftAlone() {
    assertThat(new SchemaQualifier(Optional.of("acme")).qualify("SELECT 1")).isEqualTo("SELECT 1");
  }
}
