package dev.mailgate.client.example;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.GetUserRequest;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.User;
import dev.mailgate.proto.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Calls Mailgate the way a Java backend would: generated grpc-java stubs, tenant and API key as
 * metadata, and errors decoded from their {@code google.rpc.ErrorInfo}.
 *
 * <pre>
 * MAILGATE_ADDRESS=127.0.0.1:8080 MAILGATE_TENANT=acme MAILGATE_API_KEY=mgk_dev_acme_5f2c9a7e41d8 \
 *   java -cp ... dev.mailgate.client.example.MailgateExample
 * </pre>
 */
public final class MailgateExample {

  private final UserServiceGrpc.UserServiceBlockingStub users;
  private final ConnectionServiceGrpc.ConnectionServiceBlockingStub connections;
  private final PrintStream out;

  public MailgateExample(ManagedChannel channel, String tenantId, String apiKey, PrintStream out) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("x-tenant-id", Metadata.ASCII_STRING_MARSHALLER), tenantId);
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + apiKey);
    var withCredentials = MetadataUtils.newAttachHeadersInterceptor(headers);
    this.users = UserServiceGrpc.newBlockingStub(channel).withInterceptors(withCredentials);
    this.connections = ConnectionServiceGrpc.newBlockingStub(channel).withInterceptors(withCredentials);
    this.out = out;
  }

  public static void main(String[] args) throws InterruptedException {
    String address = env("MAILGATE_ADDRESS", "127.0.0.1:8080");
    ManagedChannel channel = ManagedChannelBuilder.forTarget(address).usePlaintext().build();
    try {
      new MailgateExample(channel, env("MAILGATE_TENANT", "acme"),
          env("MAILGATE_API_KEY", "mgk_dev_acme_5f2c9a7e41d8"), System.out).run("example-user");
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Creates the user unless it exists, reads it back, lists its connections, and shows a decoded error. */
  public void run(String userId) {
    try {
      users.createUser(CreateUserRequest.newBuilder().setUserId(userId).setEmail(userId + "@example.com").build());
      out.println("created user " + userId);
    } catch (StatusRuntimeException e) {
      if (!"USER_EXISTS".equals(reason(e).orElse(""))) {
        throw e;
      }
      out.println("user " + userId + " already exists");
    }
    User user = users.getUser(GetUserRequest.newBuilder().setUserId(userId).build());
    out.println("user " + user.getUserId() + " has " + user.getConnectionCount() + " connection(s)");
    connections.listConnections(ListConnectionsRequest.newBuilder().setUserId(userId).build())
        .getConnectionsList()
        .forEach(c -> out.println("  " + c.getConnectionId() + " " + c.getProvider() + " " + c.getEmailAddress()));
    try {
      users.getUser(GetUserRequest.newBuilder().setUserId(userId + "-missing").build());
    } catch (StatusRuntimeException e) {
      out.println("expected error: " + e.getStatus().getCode() + " " + reason(e).orElse("?"));
    }
  }

  /** The {@code ErrorInfo.reason} of a failed call, if the gateway sent one. */
  public static Optional<String> reason(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status == null) {
      return Optional.empty();
    }
    for (Any detail : status.getDetailsList()) {
      if (detail.is(ErrorInfo.class)) {
        try {
          return Optional.of(detail.unpack(ErrorInfo.class).getReason());
        } catch (InvalidProtocolBufferException e2) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
