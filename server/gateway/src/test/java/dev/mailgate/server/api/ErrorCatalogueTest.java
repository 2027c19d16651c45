package dev.mailgate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.proto.v1.ErrorReason;
import dev.mailgate.server.error.Reason;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The reasons the server sends are exactly the ones the proto documents. */
class ErrorCatalogueTest {

  @Test
  void everyDomainReasonIsDocumentedInTheProtoAndBackAgain() {
    var domain = Arrays.stream(Reason.values()).map(Enum::name).toList();
    var proto = Arrays.stream(ErrorReason.values())
        .filter(r -> r != ErrorReason.UNRECOGNIZED && r != ErrorReason.ERROR_REASON_UNSPECIFIED)
        .map(Enum::name).toList();
    assertThat(domain).containsExactlyInAnyOrderElementsOf(proto);
  }
}
