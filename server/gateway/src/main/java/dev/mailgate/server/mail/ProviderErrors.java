package dev.mailgate.server.mail;

import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provider refusals as clients see them: in the gateway's own words, naming the provider, the
 * HTTP status and the provider's error code at most. The provider's own message (which may quote
 * addresses, ids or query text) goes to the log only, shortened, never a request or response body.
 */
public final class ProviderErrors {

  private static final Logger log = LoggerFactory.getLogger(ProviderErrors.class);
  private static final int LOGGED_MESSAGE_CHARS = 200;

  private ProviderErrors() {
  }

  /** A 403 that is not a rate limit: the grant lacks a scope, or a policy forbids the call. */
  public static GatewayException permissionDenied(String provider, int status, String code, String providerMessage) {
    logRefusal(provider, status, code, providerMessage);
    return new GatewayException(Reason.PROVIDER_PERMISSION_DENIED, provider + " refused the call for lack of permission"
        + codeText(status, code) + "; the connection's grant or the account's policy must allow it");
  }

  /** A 400: the request as the gateway sent it was refused, so something the client gave is wrong. */
  public static GatewayException badRequest(String provider, int status, String code, String providerMessage) {
    logRefusal(provider, status, code, providerMessage);
    return GatewayException.invalid(List.of(new FieldViolation("request",
        provider + " refused the request" + codeText(status, code))));
  }

  /** Any other refusal the gateway has no mapping for. */
  public static GatewayException unexpected(String provider, int status, String code, String providerMessage) {
    logRefusal(provider, status, code, providerMessage);
    return new GatewayException(Reason.INTERNAL, provider + " answered" + codeText(status, code));
  }

  private static String codeText(int status, String code) {
    return " (HTTP " + status + (code == null || code.isBlank() ? "" : " " + code) + ")";
  }

  private static void logRefusal(String provider, int status, String code, String providerMessage) {
    String message = providerMessage == null ? "" : providerMessage.replaceAll("\\s+", " ");
    if (message.length() > LOGGED_MESSAGE_CHARS) {
      message = message.substring(0, LOGGED_MESSAGE_CHARS) + "...";
    }
    log.info("{} refused a call: HTTP {} {}: {}", provider, status, code, message);
  }
}
