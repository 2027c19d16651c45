package dev.mailgate.server.fuzz;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import io.grpc.Status.Code;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/** How one raw call ended, as an HTTP/2 client sees it. */
record Outcome(Kind kind, int httpStatus, Code code, String message, Optional<Status> details, String problem,
    byte[] body) {

  enum Kind {
    /** The server answered with a grpc-status. */
    GRPC,
    /** An HTTP answer without grpc-status. */
    HTTP,
    /** The stream was reset or the connection closed before an answer. */
    TRANSPORT,
    /** Nothing came back in time. */
    TIMEOUT,
    /** A server stream that sent data and is still open (a healthy streaming call). */
    OPEN_STREAM
  }

  static Outcome of(int httpStatus, Map<String, String> headers, Map<String, String> trailers, byte[] body) {
    Map<String, String> source = trailers.containsKey("grpc-status") ? trailers : headers;
    String status = source.get("grpc-status");
    if (status == null) {
      return new Outcome(Kind.HTTP, httpStatus, null, null, Optional.empty(), "HTTP " + httpStatus + " without grpc-status",
          body);
    }
    Code code;
    try {
      code = io.grpc.Status.fromCodeValue(Integer.parseInt(status.trim())).getCode();
    } catch (NumberFormatException e) {
      return new Outcome(Kind.HTTP, httpStatus, null, null, Optional.empty(), "unparseable grpc-status " + status, body);
    }
    Optional<Status> details = Optional.empty();
    String encoded = source.get("grpc-status-details-bin");
    String problem = null;
    if (encoded != null) {
      try {
        details = Optional.of(Status.parseFrom(Base64.getDecoder().decode(encoded.trim())));
      } catch (IllegalArgumentException | InvalidProtocolBufferException e) {
        problem = "grpc-status-details-bin does not decode: " + e;
      }
    }
    return new Outcome(Kind.GRPC, httpStatus, code, source.get("grpc-message"), details, problem, body);
  }

  static Outcome transport(String problem) {
    return new Outcome(Kind.TRANSPORT, 0, null, null, Optional.empty(), problem, new byte[0]);
  }

  static Outcome timedOut(Duration after) {
    return new Outcome(Kind.TIMEOUT, 0, null, null, Optional.empty(), "no answer within " + after, new byte[0]);
  }

  static Outcome openStream(byte[] body) {
    return new Outcome(Kind.OPEN_STREAM, 200, null, null, Optional.empty(), null, body);
  }

  /** The ErrorInfo reason in the status details, if there is exactly one ErrorInfo. */
  Optional<String> reason() {
    if (details.isEmpty()) {
      return Optional.empty();
    }
    ErrorInfo found = null;
    for (Any detail : details.get().getDetailsList()) {
      if (detail.is(ErrorInfo.class)) {
        if (found != null) {
          return Optional.empty();
        }
        try {
          found = detail.unpack(ErrorInfo.class);
        } catch (InvalidProtocolBufferException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.ofNullable(found).map(ErrorInfo::getReason);
  }

  /** The first length-prefixed message of the body, if there is a complete one. */
  Optional<byte[]> firstMessage() {
    if (body.length < 5) {
      return Optional.empty();
    }
    int length = ((body[1] & 0xff) << 24) | ((body[2] & 0xff) << 16) | ((body[3] & 0xff) << 8) | (body[4] & 0xff);
    if (length < 0 || 5 + length > body.length) {
      return Optional.empty();
    }
    return Optional.of(java.util.Arrays.copyOfRange(body, 5, 5 + length));
  }

  /** A short label for statistics: the gRPC code and reason, or the kind. */
  String label() {
    return switch (kind) {
      case GRPC -> code + reason().map(r -> "/" + r).orElse("");
      case HTTP -> "HTTP " + httpStatus;
      default -> kind.name();
    };
  }

  @Override
  public String toString() {
    return label() + (message == null ? "" : " \"" + message + "\"") + (problem == null ? "" : " (" + problem + ")");
  }
}
