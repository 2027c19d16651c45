package dev.mailgate.server.api;

import dev.mailgate.server.crypto.TokenCipher;
import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * The one page-token scheme of every list call. A token is the listing's position (a database
 * cursor, or where a provider listing stands) sealed with the tenant's token keyset
 * ({@link TokenCipher#seal}: AES-256-GCM, authenticated encryption), so a caller can neither read
 * nor alter it. Its associated data names the tenant, the method and every argument that selects
 * what is listed (the user, the connection, the query, the labels): a token replayed with another
 * tenant, user, method or query, or tampered with, does not open and the call fails with
 * INVALID_ARGUMENT on {@code page_token}. Page sizes are not bound: a caller may change
 * {@code page_size} from page to page.
 *
 * <p>Encryption rather than an HMAC: the tenant's keyset is already loaded for its secrets and
 * already seals search tokens, and encryption also keeps provider page tokens and user ids out of
 * sight of whoever holds a token.
 */
final class PageTokens {

  private final Tenant tenant;
  private final String binding;

  private PageTokens(Tenant tenant, String binding) {
    this.tenant = tenant;
    this.binding = binding;
  }

  /**
   * The tokens of {@code method} (its simple name, e.g. {@code ListUsers}) called with these
   * {@code arguments}: each a String or a List of Strings, in a fixed order per method.
   */
  static PageTokens of(Tenant tenant, String method, Object... arguments) {
    return new PageTokens(tenant, bind("page/" + method, arguments));
  }

  /**
   * What a sealed position is bound to: {@code prefix}, then each argument (a String or a List of
   * Strings) length-prefixed. Event cursors bind their scope the same way.
   */
  static String bind(String prefix, Object... arguments) {
    StringBuilder binding = new StringBuilder(prefix);
    for (Object argument : arguments) {
      append(binding, argument);
    }
    return binding.toString();
  }

  /** Every part length-prefixed, so that no two argument lists read the same. */
  private static void append(StringBuilder binding, Object argument) {
    if (argument instanceof String text) {
      binding.append('|').append(text.length()).append(':').append(text);
    } else if (argument instanceof List<?> list) {
      binding.append("|[").append(list.size());
      list.forEach(item -> append(binding, item));
      binding.append(']');
    } else {
      throw new IllegalArgumentException("a page token binds strings and lists of strings, not " + argument);
    }
  }

  /**
   * The position a request's {@code page_token} holds: empty for the first page (no token);
   * INVALID_ARGUMENT on {@code page_token} for a token this method did not hand out for these
   * arguments and this tenant.
   */
  Future<Optional<String>> open(String token) {
    if (token.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return tenant.cipher().map(cipher -> Optional.of(cipher.open(binding, token).orElseThrow(PageTokens::invalid)));
  }

  /** The {@code next_page_token} for a listing that continues at {@code position}; empty if it does not. */
  Future<String> next(Optional<String> position) {
    if (position.isEmpty()) {
      return Future.succeededFuture("");
    }
    return tenant.cipher().map(cipher -> cipher.seal(binding, position.get()));
  }

  /** The answer to a page token that is not one this method handed out for these arguments. */
  static GatewayException invalid() {
    return GatewayException.invalid(List.of(new FieldViolation("page_token",
        "is not a page token returned by this method for these arguments")));
  }
}
