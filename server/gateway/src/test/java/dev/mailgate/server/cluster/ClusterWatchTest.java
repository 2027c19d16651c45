package dev.mailgate.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ListMailboxEventsRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MailboxEvent;
import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.proto.v1.WatchTenantRequest;
import dev.mailgate.server.events.EventStreamPolicy;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.ProviderMailbox;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import dev.mailgate.server.watch.WatchPolicy;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several gateway nodes on one coordination database: the watched connections are split among them
 * by leases (each holds its share, within 20 %), a stream on one node receives the events the
 * others detect (woken through the coordination database, not its catch-up interval), a node that
 * leaves hands its connections to the others, one that joins takes its share, and a node whose
 * lease was taken over writes nothing.
 */
class ClusterWatchTest {

  private static final String COORDINATION = "coord_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private static final int CONNECTIONS = 30;

  /** Polled twice a second (no push here); streams would catch up only after a minute on their own. */
  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(), options -> {
    try {
      String coordination = TestPostgres.get().createDatabaseUri(COORDINATION);
      return options
          .withWatch(WatchPolicy.DEFAULT.withIntervals(Duration.ofMillis(500), Duration.ofSeconds(2)))
          .withEventStreams(new EventStreamPolicy(Duration.ofMinutes(30), Duration.ofSeconds(30), Duration.ofMinutes(1)))
          .withCluster(ClusterPolicy.DEFAULT.withCoordinationDb(coordination)
              .withTiming(Duration.ofSeconds(3), Duration.ofMillis(500)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  });

  private static Map<String, Integer> leasesByOwner() throws Exception {
    Map<String, Integer> owners = new HashMap<>();
    try (var db = TestPostgres.get().jdbc(COORDINATION);
        ResultSet rows = db.createStatement().executeQuery(
            "SELECT owner, count(*) FROM watch_leases WHERE owner IS NOT NULL AND expire_time > now() GROUP BY owner")) {
      while (rows.next()) {
        owners.put(rows.getString(1), rows.getInt(2));
      }
    }
    return owners;
  }

  /** Whether {@code nodes} nodes hold every lease, each its share within 20 %. */
  private static boolean evenlySpread(int nodes) throws Exception {
    Map<String, Integer> owners = leasesByOwner();
    int leases;
    try (var db = TestPostgres.get().jdbc(COORDINATION);
        ResultSet rows = db.createStatement().executeQuery("SELECT count(*) FROM watch_leases")) {
      rows.next();
      leases = rows.getInt(1);
    }
    double share = (double) leases / nodes;
    return owners.size() == nodes && owners.values().stream().mapToInt(Integer::intValue).sum() == leases
        && owners.values().stream().allMatch(held -> Math.abs(held - share) <= share * 0.2);
  }

  private static void await(String what, long seconds, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private interface Check {
    boolean test() throws Exception;
  }

  private static BooleanSupplier unchecked(Check check) {
    return () -> {
      try {
        return check.test();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }

  /** The MESSAGE_ADDED subjects a WatchTenant stream on one node receives. */
  private static final class TenantStream implements StreamObserver<MailboxEvent> {
    final BlockingQueue<String> subjects = new LinkedBlockingQueue<>();
    final Context.CancellableContext context = Context.current().withCancellation();

    TenantStream(io.grpc.ManagedChannel node) {
      context.run(() -> MailServiceGrpc.newStub(node).withInterceptors(TestGateway.acme())
          .watchTenant(WatchTenantRequest.getDefaultInstance(), this));
    }

    @Override
    public void onNext(MailboxEvent event) {
      if (event.getType() == MailboxEventType.MAILBOX_EVENT_TYPE_MESSAGE_ADDED) {
        subjects.add(event.getMessage().getSubject());
      }
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}

    Set<String> await(Set<String> wanted, long seconds) throws InterruptedException {
      Set<String> seen = new HashSet<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (!seen.containsAll(wanted) && System.nanoTime() < deadline) {
        String subject = subjects.poll(100, TimeUnit.MILLISECONDS);
        if (subject != null) {
          seen.add(subject);
        }
      }
      return seen;
    }
  }

  private static Set<String> deliverToEach(List<Connection> connections, String round) {
    Set<String> subjects = new HashSet<>();
    for (Connection connection : connections) {
      String subject = round + " " + connection.getConnectionId();
      ProviderMailbox.GMAIL.deliver(gateway.get(), connection.getEmailAddress(),
          Mailboxes.mail("ada@example.org", connection.getEmailAddress(), subject, "hello", "", null));
      subjects.add(subject);
    }
    return subjects;
  }

  @Test
  void nodesShareTheWatchingAndEveryStreamSeesEveryNodesEvents() throws Exception {
    TestGateway.Sibling third = gateway.get().startSibling();
    try (TestGateway.Sibling second = gateway.get().startSibling()) {
      List<Connection> connections = new ArrayList<>();
      for (int i = 0; i < CONNECTIONS; i++) {
        String userId = Mailboxes.newUserId("cluster");
        connections.add(ProviderMailbox.GMAIL.connect(gateway.get(), userId, userId + "@gmail.test"));
      }
      await("three nodes each hold about a third of the leases", 30, unchecked(() -> evenlySpread(3)));
      // Every connection's feed is anchored (its first read) before mail arrives.
      await("every connection anchored", 30, unchecked(() -> anchoredCount(connections) == CONNECTIONS));

      TenantStream stream = new TenantStream(gateway.get().channel());
      Thread.sleep(500); // the stream starts from now
      List<Connection> elsewhere = connections.stream().filter(c -> !watchedByFirstNode(c)).toList();
      assertThat(elsewhere).hasSizeGreaterThan(CONNECTIONS / 2);
      Set<String> first = deliverToEach(elsewhere, "first");
      assertThat(stream.await(first, 20)).as("events detected on the other two nodes, on a stream of the first")
          .containsAll(first);

      third.close(); // leaves: gives its leases up
      third = null;
      await("two nodes each hold half of the leases", 30, unchecked(() -> evenlySpread(2)));
      Set<String> second2 = deliverToEach(connections, "second");
      assertThat(stream.await(second2, 20)).as("after a node left, its connections are watched by the others")
          .containsAll(second2);
      // A node that joins a running cluster takes its share.
      try (TestGateway.Sibling joining = gateway.get().startSibling()) {
        await("a joining node takes its share within a minute", 60, unchecked(() -> evenlySpread(3)));
      }
      stream.context.cancel(null);
    } finally {
      if (third != null) {
        third.close();
      }
    }
  }

  @Test
  void aNodeWhoseLeaseWasTakenOverWritesNothing() throws Exception {
    String userId = Mailboxes.newUserId("fenced");
    Connection connection = ProviderMailbox.GMAIL.connect(gateway.get(), userId, userId + "@gmail.test");
    await("the connection is anchored", 30, unchecked(() -> anchoredCount(List.of(connection)) == 1));
    MailServiceGrpc.MailServiceBlockingStub mail =
        MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    ListMailboxEventsRequest events = ListMailboxEventsRequest.newBuilder().setUserId(userId)
        .setConnectionId(connection.getConnectionId()).build();
    events = events.toBuilder().setCursor(mail.listMailboxEvents(events).getNextCursor()).build();
    UUID id = UUID.fromString(connection.getConnectionId());

    // Another node took the lease over (a higher epoch) and wrote the connection's watch state.
    gateway.get().onTenantData("acme", db -> db.preparedQuery(
        "UPDATE connection_watch SET lease_epoch = lease_epoch + 1000 WHERE connection_id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(id)));
    String cursorBefore = storedCursor(id);
    deliverToEach(List.of(connection), "fenced");
    Thread.sleep(3_000); // six polls

    assertThat(mail.listMailboxEvents(events).getEventsList()).as("events appended by the fenced node").isEmpty();
    assertThat(storedCursor(id)).as("the fenced node's cursor").isEqualTo(cursorBefore);
  }

  private static boolean watchedByFirstNode(Connection connection) {
    var key = new dev.mailgate.server.watch.WatchKey("acme", UUID.fromString(connection.getConnectionId()));
    return TestGateway.await(gateway.get().server().watcher().watching(key));
  }

  private static String storedCursor(UUID id) {
    return gateway.get().onTenantData("acme", db -> db.preparedQuery(
        "SELECT cursor FROM connection_watch WHERE connection_id = $1").execute(io.vertx.sqlclient.Tuple.of(id))
        .map(rows -> rows.iterator().next().getString(0)));
  }

  private static long anchoredCount(List<Connection> connections) {
    UUID[] ids = connections.stream().map(c -> UUID.fromString(c.getConnectionId())).toArray(UUID[]::new);
    return gateway.get().onTenantData("acme", db -> db.preparedQuery(
        "SELECT count(*) FROM connection_watch WHERE connection_id = ANY($1)")
        .execute(io.vertx.sqlclient.Tuple.tuple().addArrayOfUUID(ids)).map(rows -> rows.iterator().next().getLong(0)));
  }
}
