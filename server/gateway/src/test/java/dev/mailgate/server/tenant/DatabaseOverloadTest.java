package dev.mailgate.server.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.GetUserRequest;
import dev.mailgate.proto.v1.User;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.Answers;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import dev.mailgate.server.testing.TestPostgres;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A database pool whose connections are all busy queues only a bounded number of calls (here 2);
 * the rest are refused at once with UNAVAILABLE / GATEWAY_OVERLOADED and a RetryInfo.
 */
class DatabaseOverloadTest {

  private static final int CALLS = 12;

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(), options -> options
      .withBounds(options.bounds().withDatabaseWaiters(2)));

  @Test
  void callsBeyondTheWaitQueueOfABusyPoolAreRefused() throws Exception {
    String userId = Mailboxes.newUserId("contended");
    // The tenant's schema is made on first use.
    UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .createUser(CreateUserRequest.newBuilder().setUserId(Mailboxes.newUserId("first")).build());
    UserServiceGrpc.UserServiceStub async = UserServiceGrpc.newStub(gateway.get().channel())
        .withInterceptors(TestGateway.acme());
    List<CompletableFuture<User>> answers = new ArrayList<>();
    try (Connection other = TestPostgres.get().jdbc(gateway.get().database("acme"))) {
      // An uncommitted insert of the same user: every CreateUser of it waits on the unique index,
      // holding one of the pool's 4 connections.
      other.setAutoCommit(false);
      try (PreparedStatement insert = other.prepareStatement("INSERT INTO users (external_id) VALUES (?)")) {
        insert.setString(1, userId);
        insert.executeUpdate();
      }
      for (int i = 0; i < CALLS; i++) {
        answers.add(Answers.of(observer -> async.withDeadlineAfter(30, TimeUnit.SECONDS)
            .createUser(CreateUserRequest.newBuilder().setUserId(userId).build(), observer)));
      }
      List<StatusRuntimeException> refused = new ArrayList<>();
      for (CompletableFuture<User> answer : answers) {
        try {
          answer.get(500, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException waiting) {
          // holds a connection or waits for one
        } catch (ExecutionException e) {
          refused.add((StatusRuntimeException) e.getCause());
        }
      }
      // 4 connections busy and 2 calls waiting at most: the others were refused at once.
      assertThat(refused).hasSizeGreaterThanOrEqualTo(CALLS - 6);
      for (StatusRuntimeException failure : refused) {
        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        com.google.rpc.Status details = StatusProto.fromThrowable(failure);
        assertThat(details).isNotNull();
        assertThat(details.getDetailsList()).anySatisfy(d ->
            assertThat(d.unpack(ErrorInfo.class).getReason()).isEqualTo("GATEWAY_OVERLOADED"));
        assertThat(details.getDetailsList()).anySatisfy(d -> assertThat(d.is(RetryInfo.class)).isTrue());
      }
      other.rollback();
    }
    // The waiting calls finish once the lock is gone: one creates the user, the rest find it exists.
    int created = 0;
    for (CompletableFuture<User> answer : answers) {
      try {
        answer.get(20, TimeUnit.SECONDS);
        created++;
      } catch (ExecutionException e) {
        Status.Code code = ((StatusRuntimeException) e.getCause()).getStatus().getCode();
        assertThat(code).isIn(Status.Code.UNAVAILABLE, Status.Code.ALREADY_EXISTS);
      }
    }
    assertThat(created).isEqualTo(1);
    assertThat(UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .getUser(GetUserRequest.newBuilder().setUserId(userId).build()).getUserId()).isEqualTo(userId);
  }
}
