package dev.mailgate.server.error;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The one exception type the domain raises. Its message goes to the client as the status
 * message, so it must never hold a token, password, API key or message body.
 */
public class GatewayException extends RuntimeException {

  private final Reason reason;
  private final List<FieldViolation> violations;
  private final Duration retryDelay;

  public GatewayException(Reason reason, String message) {
    this(reason, message, List.of(), null, null);
  }

  private GatewayException(Reason reason, String message, List<FieldViolation> violations,
      Duration retryDelay, Throwable cause) {
    super(message, cause, false, false);
    this.reason = reason;
    this.violations = List.copyOf(violations);
    this.retryDelay = retryDelay;
  }

  /**
   * The most field violations an answer lists (then one saying how many more): a request with
   * thousands of bad values must not become a status message and trailers larger than clients
   * accept (grpc-java takes 8 KiB of metadata), which they would report as a broken stream.
   */
  public static final int MAX_REPORTED_VIOLATIONS = 10;

  /** An INVALID_ARGUMENT failure listing the bad fields (the first {@link #MAX_REPORTED_VIOLATIONS}). */
  public static GatewayException invalid(List<FieldViolation> violations) {
    List<FieldViolation> reported = violations;
    if (violations.size() > MAX_REPORTED_VIOLATIONS) {
      reported = new java.util.ArrayList<>(violations.subList(0, MAX_REPORTED_VIOLATIONS));
      reported.add(new FieldViolation("request",
          (violations.size() - MAX_REPORTED_VIOLATIONS) + " more invalid fields are not listed"));
    }
    String message = violations.size() == 1
        ? "invalid " + violations.get(0).field() + ": " + violations.get(0).description()
        : violations.size() + " invalid fields: " + String.join(", ",
            violations.stream().limit(MAX_REPORTED_VIOLATIONS).map(FieldViolation::field).toList())
            + (violations.size() > MAX_REPORTED_VIOLATIONS ? ", ..." : "");
    return new GatewayException(Reason.INVALID_ARGUMENT, message, List.copyOf(reported), null, null);
  }

  /** A failure with the exception behind it (kept for the log; only the message is sent). */
  public static GatewayException withCause(Reason reason, String message, Throwable cause) {
    return new GatewayException(reason, message, List.of(), null, cause);
  }

  /** A failure the caller may retry after {@code delay}. */
  public static GatewayException retryable(Reason reason, String message, Duration delay, Throwable cause) {
    return new GatewayException(reason, message, List.of(), delay, cause);
  }

  public Reason reason() {
    return reason;
  }

  public List<FieldViolation> violations() {
    return violations;
  }

  public Optional<Duration> retryDelay() {
    return Optional.ofNullable(retryDelay);
  }
}
