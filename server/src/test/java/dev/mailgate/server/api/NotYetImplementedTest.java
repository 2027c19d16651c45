package dev.mailgate.server.api;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.WatchMailboxRequest;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The one RPC of the v1 contract that a later version fills in (WatchMailbox) says so, with a reason. */
class NotYetImplementedTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  @Test
  void unimplementedStreamingRpcEndsTheStream() {
    Failure watch = assertFails(Status.Code.UNIMPLEMENTED, "NOT_IMPLEMENTED", () -> MailServiceGrpc
        .newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .watchMailbox(WatchMailboxRequest.getDefaultInstance()).hasNext());
    assertThat(watch.message()).contains("WatchMailbox");
  }
}
