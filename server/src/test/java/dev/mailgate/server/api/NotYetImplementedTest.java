package dev.mailgate.server.api;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.GetUserReportRequest;
import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.ReportServiceGrpc;
import dev.mailgate.proto.v1.WatchMailboxRequest;
import dev.mailgate.server.testing.GrpcAssertions.Failure;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RPCs of the v1 contract that later versions fill in say so, with a reason, and pretend nothing. */
class NotYetImplementedTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  @Test
  void unimplementedUnaryRpcsNameWhatIsMissing() {
    assertFails(Status.Code.UNIMPLEMENTED, "NOT_IMPLEMENTED", () -> ReportServiceGrpc
        .newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .getUserReport(GetUserReportRequest.getDefaultInstance()));
  }

  @Test
  void unimplementedStreamingRpcEndsTheStream() {
    Failure watch = assertFails(Status.Code.UNIMPLEMENTED, "NOT_IMPLEMENTED", () -> MailServiceGrpc
        .newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme())
        .watchMailbox(WatchMailboxRequest.getDefaultInstance()).hasNext());
    assertThat(watch.message()).contains("WatchMailbox");
  }
}
