package dev.mailgate.server.api;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import dev.mailgate.proto.v1.Connection;
import dev.mailgate.proto.v1.ConnectionServiceGrpc;
import dev.mailgate.proto.v1.CreateUserRequest;
import dev.mailgate.proto.v1.EmailAddress;
import dev.mailgate.proto.v1.ListConnectionsRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.MessageContent;
import dev.mailgate.proto.v1.OutgoingAttachment;
import dev.mailgate.proto.v1.Provider;
import dev.mailgate.proto.v1.SendMessageRequest;
import dev.mailgate.proto.v1.SendMessageResponse;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.Mailboxes;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Request sizes are refused by the length prefix, before a message is buffered or decoded: 4 MiB
 * for most methods, more only for sends and drafts, 64 KiB for the unauthenticated services.
 */
class RequestSizeTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  private static final int MIB = 1024 * 1024;

  /** Raw bytes on the wire, so a test can send what no generated stub would. */
  private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  private static byte[] callRaw(String fullMethodName, byte[] body) {
    MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(fullMethodName)
        .setRequestMarshaller(RAW).setResponseMarshaller(RAW).build();
    Channel channel = ClientInterceptors.intercept(gateway.get().channel(), TestGateway.acme());
    return ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT.withMaxOutboundMessageSize(64 * MIB), body);
  }

  private static ConnectionServiceGrpc.ConnectionServiceBlockingStub connections() {
    return ConnectionServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .withMaxOutboundMessageSize(64 * MIB);
  }

  @Test
  void listConnectionsOfFiveMebibytesIsRefusedBeforeDecoding() {
    // Not a protobuf message at all: decoding it would fail, so only a check of the length prefix answers this.
    byte[] garbage = new byte[5 * MIB];
    Arrays.fill(garbage, (byte) 0xFF);
    Failure failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT",
        () -> callRaw("mailgate.v1.ConnectionService/ListConnections", garbage));
    assertThat(failure.violations()).singleElement().satisfies(v -> {
      assertThat(v.getField()).isEqualTo("request");
      assertThat(v.getDescription()).contains(Integer.toString(4 * MIB));
    });

    String userId = Mailboxes.newUserId("sizes");
    UserServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .createUser(CreateUserRequest.newBuilder().setUserId(userId).build());
    Failure valid = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> connections()
        .listConnections(ListConnectionsRequest.newBuilder().setUserId(userId)
            .setPageToken("x".repeat(5 * MIB)).build()));
    assertThat(valid.violations()).extracting(v -> v.getField()).containsExactly("request");
    // The gateway stays up and serves the same method at a normal size.
    assertThat(connections().listConnections(ListConnectionsRequest.newBuilder().setUserId(userId).build())
        .getConnectionsList()).isEmpty();
  }

  @Test
  void healthCheckOfHundredKibibytesIsRefused() {
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(gateway.get().channel())
        .withMaxOutboundMessageSize(64 * MIB);
    StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, () -> health.check(
        HealthCheckRequest.newBuilder().setService("x".repeat(100 * 1024)).build()));
    assertThat(refused).isNotNull();
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

    assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  /**
   * Above the 4 MiB of other methods, well below the 36 MiB sends accept (GmailMailServiceTest
   * sends 25 MB of attachments; this one keeps the sandbox's MIME work short).
   */
  @Test
  void sendMessageAboveTheDefaultLimitIsAccepted() throws Exception {
    String userId = Mailboxes.newUserId("bigsend");
    String address = userId + "@gmail.test";
    Connection connection = Mailboxes.connect(gateway.get(), TestGateway.acme(), userId, Provider.PROVIDER_GMAIL, address);
    byte[] attachment = new byte[6 * MIB];
    new Random(3).nextBytes(attachment);
    SendMessageResponse sent = MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .withMaxOutboundMessageSize(64 * MIB)
        .sendMessage(SendMessageRequest.newBuilder().setUserId(userId).setConnectionId(connection.getConnectionId())
            .setRequestId("big-" + UUID.randomUUID())
            .setContent(MessageContent.newBuilder().addTo(EmailAddress.newBuilder().setAddress("ada@example.org"))
                .setSubject("six").setTextBody("attached")
                .addAttachments(OutgoingAttachment.newBuilder().setFilename("big.bin")
                    .setMimeType("application/octet-stream").setData(ByteString.copyFrom(attachment))))
            .build());
    assertThat(sent.getMessageId()).isNotEmpty();
  }
}
