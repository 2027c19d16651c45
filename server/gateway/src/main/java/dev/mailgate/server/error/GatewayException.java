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

  /** An INVALID_ARGUMENT failure listing every bad field. */
  public static GatewayException invalid(List<FieldViolation> violations) {
    String message = violations.size() == 1
        ? "invalid " + violations.get(0).field() + ": " + violations.get(0).description()
        : violations.size() + " invalid fields: " + String.join(", ",
            violations.stream().map(FieldViolation::field).toList());
    return new GatewayException(Reason.INVALID_ARGUMENT, message, violations, null, null);
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
