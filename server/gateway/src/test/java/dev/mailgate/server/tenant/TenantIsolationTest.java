package dev.mailgate.server.tenant;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.GetUserRequest;
import dev.mailgate.proto.v1.ListUsersRequest;
import dev.mailgate.proto.v1.User;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import io.grpc.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TenantIsolationTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(
        // A broken tenant file must not take the good tenants down.
        "broken.yaml", "id: broken\ndatabase: { host: 127.0.0.1 }\n",
        // A tenant whose database is down must not take the others down either.
        "initech.yaml", TestGateway.tenantYaml("initech", "no_such_database", "mgk_test_initech_key")
            .replace("${TEST_DB_PORT}", "1"),
        // Schema-per-tenant mode: hooli lives in its own schema of acme's database.
        "hooli.yaml", TestGateway.tenantYaml("hooli", "${ACME_DATABASE}", "mgk_test_hooli_key")
            .replace("  pool_size: 4", "  pool_size: 2\n  schema: hooli")));

  private static UserServiceGrpc.UserServiceBlockingStub acme;
  private static UserServiceGrpc.UserServiceBlockingStub globex;

  @BeforeAll
  static void stubs() {
    acme = UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    globex = UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.globex());
  }

  @Test
  void userCreatedInOneTenantIsInvisibleFromAnother() {
    acme.createUser(CreateUserRequest.newBuilder().setUserId("only-in-acme").build());
    assertFails(Status.Code.NOT_FOUND, "USER_NOT_FOUND",
        () -> globex.getUser(GetUserRequest.newBuilder().setUserId("only-in-acme").build()));
    assertThat(globex.listUsers(ListUsersRequest.getDefaultInstance()).getUsersList())
        .extracting(User::getUserId).doesNotContain("only-in-acme");
  }

  @Test
  void sameUserIdLivesIndependentlyInEachTenant() {
    acme.createUser(CreateUserRequest.newBuilder().setUserId("shared-id").setEmail("a@acme.test").build());
    globex.createUser(CreateUserRequest.newBuilder().setUserId("shared-id").setEmail("g@globex.test").build());
    assertThat(acme.getUser(GetUserRequest.newBuilder().setUserId("shared-id").build()).getEmail()).isEqualTo("a@acme.test");
    assertThat(globex.getUser(GetUserRequest.newBuilder().setUserId("shared-id").build()).getEmail()).isEqualTo("g@globex.test");
  }

  @Test
  void eachTenantWritesToItsOwnDatabase() throws Exception {
    acme.createUser(CreateUserRequest.newBuilder().setUserId("row-check").build());
    globex.listUsers(ListUsersRequest.getDefaultInstance()); // opens (and migrates) globex's database
    assertThat(countUsers(gateway.get().database("acme"), "row-check")).isEqualTo(1);
    assertThat(countUsers(gateway.get().database("globex"), "row-check")).isZero();
  }

  @Test
  void brokenTenantFileIsSkippedAndOthersServe() {
    assertThat(gateway.get().tenantIds()).contains("acme", "globex", "initech").doesNotContain("broken");
  }

  @Test
  void unreachableTenantDatabaseIsUnavailableWithRetryInfoAndOthersStillServe() {
    var initech = UserServiceGrpc.newBlockingStub(gateway.get().channel())
        .withInterceptors(TestGateway.as("initech", "mgk_test_initech_key"));
    var failure = assertFails(Status.Code.UNAVAILABLE, "TENANT_DATABASE_UNAVAILABLE",
        () -> initech.listUsers(ListUsersRequest.getDefaultInstance()));
    assertThat(failure.retryInfo()).isPresent();
    assertThat(failure.message()).doesNotContain("password").doesNotContain("jdbc");
    assertThat(acme.listUsers(ListUsersRequest.getDefaultInstance())).isNotNull();
  }

  @Test
  void schemaPerTenantModeKeepsTheTenantInItsOwnSchema() throws Exception {
    var hooli = UserServiceGrpc.newBlockingStub(gateway.get().channel())
        .withInterceptors(TestGateway.as("hooli", "mgk_test_hooli_key"));
    hooli.createUser(CreateUserRequest.newBuilder().setUserId("in-hooli-schema").build());
    assertFails(Status.Code.NOT_FOUND, "USER_NOT_FOUND",
        () -> acme.getUser(GetUserRequest.newBuilder().setUserId("in-hooli-schema").build()));
    assertThat(countUsers(gateway.get().database("acme"), "hooli.users", "in-hooli-schema")).isEqualTo(1);
    assertThat(countUsers(gateway.get().database("acme"), "public.users", "in-hooli-schema")).isZero();
  }

  private static int countUsers(String database, String userId) throws Exception {
    return countUsers(database, "users", userId);
  }

  private static int countUsers(String database, String table, String userId) throws Exception {
    try (Connection connection = TestPostgres.get().jdbc(database);
        PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM " + table + " WHERE external_id = ?")) {
      query.setString(1, userId);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }
}
