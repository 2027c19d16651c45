package dev.mailgate.server.sandbox.gmail;

import java.util.Map;

/**
 * A failure the sandbox answers the way Google does: an HTTP status, one {@code errors[].reason},
 * a message and the {@code status} of the google.rpc code. {@link GoogleErrors} writes it.
 */
final class GmailException extends RuntimeException {

  static final String NOT_FOUND_MESSAGE = "Requested entity was not found.";

  private final int code;
  private final String reason;
  private final String status;
  private final Map<String, String> headers;
  private final Map<String, String> location;

  GmailException(int code, String reason, String message, String status, Map<String, String> headers,
      Map<String, String> location) {
    super(message, null, false, false);
    this.code = code;
    this.reason = reason;
    this.status = status;
    this.headers = Map.copyOf(headers);
    this.location = Map.copyOf(location);
  }

  GmailException(int code, String reason, String message) {
    this(code, reason, message, statusOf(code, reason), Map.of(), Map.of());
  }

  static GmailException notFound() {
    return new GmailException(404, "notFound", NOT_FOUND_MESSAGE);
  }

  static GmailException invalidArgument(String message) {
    return new GmailException(400, "invalidArgument", message);
  }

  static GmailException failedPrecondition(String message) {
    return new GmailException(400, "failedPrecondition", message);
  }

  static GmailException delegationDenied(String userId) {
    return new GmailException(403, "forbidden", "Delegation denied for " + userId);
  }

  /** The legacy reason of a call whose token lacks the scope the method needs. */
  static final String INSUFFICIENT_SCOPE = "insufficientPermissions";

  /**
   * 403 as Google answers a token without the needed scope: top-level message "Request had
   * insufficient authentication scopes.", {@code errors[0]} "Insufficient Permission" /
   * insufficientPermissions, status PERMISSION_DENIED, a {@code google.rpc.ErrorInfo} detail
   * ACCESS_TOKEN_SCOPE_INSUFFICIENT (added by {@link GoogleErrors}), and a WWW-Authenticate
   * challenge naming error="insufficient_scope".
   */
  static GmailException insufficientScope() {
    return new GmailException(403, INSUFFICIENT_SCOPE, "Request had insufficient authentication scopes.",
        "PERMISSION_DENIED", Map.of("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\", "
            + "error=\"insufficient_scope\", scope=\"https://mail.google.com/\""), Map.of());
  }

  static GmailException labelConflict() {
    return new GmailException(409, "aborted", "Label name exists or conflicts");
  }

  static GmailException tooLarge() {
    return new GmailException(413, "uploadTooLarge", "Request Entity Too Large", "FAILED_PRECONDITION", Map.of(), Map.of());
  }

  /** 401 as Google answers a request without credentials ({@code missing}) or with a bad or expired token. */
  static GmailException unauthenticated(boolean missing) {
    String realm = "Bearer realm=\"https://accounts.google.com/\"";
    String suffix = " Expected OAuth 2 access token, login cookie or other valid authentication credential. "
        + "See https://developers.google.com/identity/sign-in/web/devconsole-project.";
    Map<String, String> location = Map.of("location", "Authorization", "locationType", "header");
    return missing
        ? new GmailException(401, "required", "Request is missing required authentication credential." + suffix,
            "UNAUTHENTICATED", Map.of("WWW-Authenticate", realm), location)
        : new GmailException(401, "authError", "Request had invalid authentication credentials." + suffix,
            "UNAUTHENTICATED", Map.of("WWW-Authenticate", realm + ", error=\"invalid_token\""), location);
  }

  /** An injected failure: Google's usual wording for the status and reason. */
  static GmailException injected(int code, String reason, Map<String, String> headers) {
    if (code == 403 && INSUFFICIENT_SCOPE.equals(reason)) {
      return insufficientScope();
    }
    if (code == 401) {
      GmailException auth = unauthenticated(false);
      return new GmailException(401, reason, auth.getMessage(), auth.status, auth.headers, auth.location);
    }
    String message = switch (reason) {
      case "rateLimitExceeded" -> code == 429 ? "Resource has been exhausted (e.g. check quota)." : "Rate Limit Exceeded";
      case "userRateLimitExceeded" -> "User Rate Limit Exceeded";
      case "dailyLimitExceeded" -> "Daily Limit Exceeded";
      case "quotaExceeded" -> "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user'.";
      case "backendError" -> code == 503 ? "The service is currently unavailable." : "Backend Error";
      case "notFound" -> NOT_FOUND_MESSAGE;
      case "failedPrecondition" -> "Precondition check failed.";
      default -> reason;
    };
    return new GmailException(code, reason, message, statusOf(code, reason), headers, Map.of());
  }

  static String statusOf(int code, String reason) {
    return switch (code) {
      case 400 -> "failedPrecondition".equals(reason) ? "FAILED_PRECONDITION" : "INVALID_ARGUMENT";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      case 409 -> "ABORTED";
      case 412 -> "FAILED_PRECONDITION";
      case 429 -> "RESOURCE_EXHAUSTED";
      case 501 -> "UNIMPLEMENTED";
      case 503 -> "UNAVAILABLE";
      case 504 -> "DEADLINE_EXCEEDED";
      default -> code >= 500 ? "INTERNAL" : "UNKNOWN";
    };
  }

  int code() {
    return code;
  }

  String reason() {
    return reason;
  }

  String status() {
    return status;
  }

  Map<String, String> headers() {
    return headers;
  }

  Map<String, String> location() {
    return location;
  }
}
