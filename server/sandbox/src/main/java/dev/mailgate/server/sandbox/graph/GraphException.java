package dev.mailgate.server.sandbox.graph;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A failure the sandbox answers the way Microsoft Graph does: an HTTP status, an error
 * {@code code}, a message and sometimes headers ({@code Retry-After}, {@code WWW-Authenticate}).
 * {@link GraphErrors} writes it.
 */
final class GraphException extends RuntimeException {

  static final String NOT_FOUND_MESSAGE = "The specified object was not found in the store.";
  private static final String WWW_AUTHENTICATE = "Bearer realm=\"\", authorization_uri="
      + "\"https://login.microsoftonline.com/common/oauth2/authorize\", "
      + "client_id=\"00000003-0000-0000-c000-000000000000\"";

  private final int status;
  private final String code;
  private final Map<String, String> headers;

  GraphException(int status, String code, String message, Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.headers = Map.copyOf(headers);
  }

  GraphException(int status, String code, String message) {
    this(status, code, message, Map.of());
  }

  static GraphException itemNotFound() {
    return new GraphException(404, "ErrorItemNotFound", NOT_FOUND_MESSAGE);
  }

  static GraphException malformedId() {
    return new GraphException(400, "ErrorInvalidIdMalformed", "Id is malformed.");
  }

  /** What Graph's OData layer answers for a request it cannot read. */
  static GraphException badRequest(String message) {
    return new GraphException(400, "BadRequest", message);
  }

  static GraphException invalidRequest(String message) {
    return new GraphException(400, "ErrorInvalidRequest", message);
  }

  static GraphException unknownProperty(String property) {
    return new GraphException(400, "RequestBroker--ParseUri",
        "Could not find a property named '" + property + "' on type 'microsoft.graph.message'.");
  }

  static GraphException invalidRecipients(String detail) {
    return new GraphException(400, "ErrorInvalidRecipients", "At least one recipient is not valid., " + detail);
  }

  static GraphException folderExists() {
    return new GraphException(409, "ErrorFolderExists", "A folder with the specified name already exists.");
  }

  static GraphException accessDenied() {
    return new GraphException(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
  }

  static GraphException sendAsDenied() {
    return new GraphException(403, "ErrorSendAsDenied", "The user account which was used to submit this request "
        + "does not have the right to send mail on behalf of the specified sending account., Cannot submit message.");
  }

  static GraphException tooLarge() {
    return new GraphException(413, "RequestEntityTooLarge", "The request body exceeds the 4 MB Graph allows; "
        + "attach larger files with an upload session.");
  }

  /** 401 for a request without a bearer token ({@code missing}) or with one that does not validate. */
  static GraphException unauthenticated(boolean missing) {
    return new GraphException(401, "InvalidAuthenticationToken",
        missing ? "Access token is empty." : "Access token validation failure.",
        Map.of("WWW-Authenticate", WWW_AUTHENTICATE));
  }

  /** 429 for the fifth request of one mailbox in flight at once: Exchange allows an application four. */
  static GraphException mailboxConcurrency(Duration retryAfter) {
    return new GraphException(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.",
        Map.of("Retry-After", Long.toString(retryAfter.toSeconds())));
  }

  /** A failure queued by {@code failNext}: Graph's wording for the code, {@code Retry-After} if given. */
  static GraphException injected(int status, String code, Duration retryAfter) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (retryAfter != null) {
      headers.put("Retry-After", Long.toString(Math.max(0, retryAfter.toSeconds())));
    }
    if (status == 401) {
      headers.put("WWW-Authenticate", WWW_AUTHENTICATE + ", error=\"invalid_token\"");
    }
    String message = switch (code) {
      case "TooManyRequests" -> "Please retry again later.";
      case "ApplicationThrottled" -> "Application is over its MailboxConcurrency limit.";
      case "ServiceNotAvailable", "serviceNotAvailable" ->
          "The service is temporarily unavailable. Please retry after the period in the Retry-After header.";
      case "InvalidAuthenticationToken" -> "Lifetime validation failed, the token is expired.";
      case "generalException" -> "An unspecified error has occurred.";
      case "ErrorItemNotFound" -> NOT_FOUND_MESSAGE;
      // 403s of a token without the needed permission (Mail.ReadWrite, Mail.Send...) or a denied directory call.
      case "ErrorAccessDenied" -> "Access is denied. Check credentials and try again.";
      case "Authorization_RequestDenied" -> "Insufficient privileges to complete the operation.";
      default -> code;
    };
    return new GraphException(status, code, message, headers);
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  Map<String, String> headers() {
    return headers;
  }
}
