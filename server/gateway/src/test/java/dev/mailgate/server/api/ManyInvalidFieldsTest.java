package dev.mailgate.server.api;

import static dev.mailgate.server.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.MailServiceGrpc;
import dev.mailgate.proto.v1.SearchMessagesRequest;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.Status;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A request with thousands of bad values gets a normal INVALID_ARGUMENT answer that any client
 * accepts: the first few violations and a count, not a status larger than a client's metadata
 * limit (grpc-java's 8 KiB), which the client would report as a broken stream (found by
 * GrpcFuzzTest with 40,000 bad label ids).
 */
class ManyInvalidFieldsTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  @Test
  void thousandsOfBadLabelIdsAreAnsweredWithTheFirstFewAndACount() {
    var mail = MailServiceGrpc.newBlockingStub(gateway.get().channel()).withInterceptors(TestGateway.acme());
    var request = SearchMessagesRequest.newBuilder().setUserId("alice").setConnectionId("-")
        .addAllLabelIds(Collections.nCopies(40_000, "\r\nBcc: x@example.org")).build();

    var failure = assertFails(Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> mail.searchMessages(request));

    assertThat(failure.violations()).hasSize(GatewayException.MAX_REPORTED_VIOLATIONS + 1);
    assertThat(failure.violations().get(0).getField()).isEqualTo("label_ids[0]");
    assertThat(failure.violations().get(GatewayException.MAX_REPORTED_VIOLATIONS).getDescription())
        .isEqualTo("39990 more invalid fields are not listed");
    assertThat(failure.message()).startsWith("40000 invalid fields: label_ids[0], ").endsWith(", ...").hasSizeLessThan(300);
  }
}
