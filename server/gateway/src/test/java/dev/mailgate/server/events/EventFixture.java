package dev.mailgate.server.events;

import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.store.ConnectionStatus;
import dev.mailgate.server.store.ConnectionStore;
import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.ClientInterceptor;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Arranges events for the API tests: users and connections made the way the gateway stores them,
 * and events appended straight to the log (no mailbox needs to change).
 */
final class EventFixture {

  private final Supplier<TestGateway> gateway;

  EventFixture(Supplier<TestGateway> gateway) {
    this.gateway = gateway;
  }

  /** A new user of the tenant (behind {@code key}) with one Gmail connection. */
  ConnectionRecord newConnection(String tenantId, ClientInterceptor key, String prefix) {
    String userId = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(key)
        .createUser(CreateUserRequest.newBuilder().setUserId(userId).build());
    return connectionOf(tenantId, userId, userId + "@gmail.test");
  }

  /** Another connection of an existing user. */
  ConnectionRecord connectionOf(String tenantId, String userId, String email) {
    return gateway.get().onTenantData(tenantId, db -> new ConnectionStore().insert(db, userId, ProviderKind.GMAIL,
        email, List.of(), ConnectionStatus.ACTIVE));
  }

  /** Appends {@code count} MESSAGE_ADDED events whose summaries carry a snippet of {@code snippetBytes}. */
  void appendLarge(String tenantId, ConnectionRecord connection, int count, int snippetBytes) {
    String snippet = "x".repeat(snippetBytes);
    List<NewEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(NewEvent.added(new dev.mailgate.server.mail.MessageSummary("m" + i, "t" + i,
          dev.mailgate.server.mail.MailAddress.of("ada@example.org"), List.of(), "subject " + i, snippet,
          List.of("INBOX"), java.time.Instant.now(), false)));
    }
    TestGateway.await(gateway.get().server().tenants().find(tenantId).orElseThrow()
        .withTransaction(tx -> new EventLog().append(tx, connection.id(), events)));
  }

  /** Appends {@code count} state events (alternately NEEDS_REAUTH and ACTIVE) in one transaction. */
  List<Long> append(String tenantId, ConnectionRecord connection, int count) {
    List<NewEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(NewEvent.connectionState(i % 2 == 0 ? ConnectionStatus.NEEDS_REAUTH : ConnectionStatus.ACTIVE));
    }
    return TestGateway.await(gateway.get().server().tenants().find(tenantId).orElseThrow()
        .withTransaction(tx -> new EventLog().append(tx, connection.id(), events)));
  }
}
