package dev.mailgate.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Decodes gateway errors the way a grpc-java client would, and asserts on them. */
public final class GrpcAssertions {

  private GrpcAssertions() {}

  /** A failed call as the client sees it. */
  public record Failure(Status.Code code, String message, String domain, String reason,
      List<BadRequest.FieldViolation> violations, Optional<RetryInfo> retryInfo, io.grpc.Metadata trailers) {}

  /** Runs a call that must fail and decodes its status details. */
  public static Failure failure(ThrowingCallable call) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call);
    assertThat(e).as("the call should have failed").isNotNull();
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    assertThat(details).as("grpc-status-details-bin").isNotNull();
    assertThat(details.getCode()).isEqualTo(e.getStatus().getCode().value());
    ErrorInfo info = null;
    List<BadRequest.FieldViolation> violations = List.of();
    RetryInfo retry = null;
    try {
      for (Any detail : details.getDetailsList()) {
        if (detail.is(ErrorInfo.class)) {
          assertThat(info).as("exactly one ErrorInfo").isNull();
          info = detail.unpack(ErrorInfo.class);
        } else if (detail.is(BadRequest.class)) {
          violations = detail.unpack(BadRequest.class).getFieldViolationsList();
        } else if (detail.is(RetryInfo.class)) {
          retry = detail.unpack(RetryInfo.class);
        }
      }
    } catch (InvalidProtocolBufferException ex) {
      throw new AssertionError(ex);
    }
    assertThat(info).as("ErrorInfo").isNotNull();
    return new Failure(e.getStatus().getCode(), e.getStatus().getDescription(), info.getDomain(), info.getReason(),
        violations, Optional.ofNullable(retry), e.getTrailers());
  }

  /** Asserts code, domain and reason, and returns the failure for more checks. */
  public static Failure assertFails(Status.Code code, String reason, ThrowingCallable call) {
    Failure failure = failure(call);
    assertThat(failure.code()).as("status code").isEqualTo(code);
    assertThat(failure.domain()).isEqualTo("mailgate");
    assertThat(failure.reason()).as("ErrorInfo.reason").isEqualTo(reason);
    return failure;
  }
}
