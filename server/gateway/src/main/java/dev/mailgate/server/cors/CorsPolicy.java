package dev.mailgate.server.cors;

import dev.mailgate.tenant.config.TenantConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.Collection;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Cross-origin access for browser pages (gRPC-Web), from the origins the tenants list in
 * {@code allowed_origins}, and from no other.
 *
 * <p>A preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method})
 * carries no {@code x-tenant-id} and no key, so it cannot be decided per tenant: it is allowed
 * when <em>any</em> tenant lists the origin, and refused (403, no {@code Access-Control-Allow-*})
 * otherwise. The actual call is then decided per tenant by {@code auth.CallerResolver}: an origin
 * that is not on the calling tenant's list gets PERMISSION_DENIED with reason
 * {@code ORIGIN_NOT_ALLOWED}. Its response carries {@code Access-Control-Allow-Origin} when some
 * tenant lists the origin, so the page can read that answer; for any other origin the browser
 * hides the response from the page.
 *
 * <p>The allowed origin is echoed, never {@code *}, and {@code Access-Control-Allow-Credentials}
 * is never sent: the API key travels in the {@code authorization} header, the gateway sets no
 * cookies, so a page needs no credentials mode. Every answer to a request with an {@code Origin}
 * varies by it ({@code Vary: Origin}). Requests without {@code Origin} are left as they are.
 */
public final class CorsPolicy {

  /** The request headers gRPC-Web clients send (connect-web, grpc-web) plus Mailgate's metadata. */
  static final String ALLOWED_HEADERS = String.join(", ", "content-type", "x-grpc-web", "x-user-agent",
      "grpc-timeout", "x-tenant-id", "authorization", "x-request-id");
  /** The response headers a page may read: the gRPC status (also sent as headers in a trailers-only answer) and the response metadata. */
  static final String EXPOSED_HEADERS = String.join(", ", "grpc-status", "grpc-message",
      "grpc-status-details-bin", "x-request-id");
  /** gRPC-Web calls are POSTs. */
  static final String ALLOWED_METHODS = "POST";
  /** How long a browser may reuse a preflight's answer (Chromium caps it at two hours). */
  static final String MAX_AGE_SECONDS = "600";

  /** The path of a gRPC call: {@code /package.Service/Method}. */
  private static final Pattern GRPC_METHOD = Pattern.compile("/[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+/[A-Za-z_][A-Za-z0-9_]*");

  private final Set<String> origins;

  private CorsPolicy(Set<String> origins) {
    this.origins = Set.copyOf(origins);
  }

  /** The origins listed by any of these tenants. */
  public static CorsPolicy of(Collection<TenantConfig> tenants) {
    return new CorsPolicy(tenants.stream().flatMap(tenant -> tenant.allowedOrigins().stream())
        .collect(Collectors.toSet()));
  }

  /** Whether some tenant lists {@code origin} (exactly, in the form browsers send). */
  public boolean anyTenantAllows(String origin) {
    return origin != null && origins.contains(origin);
  }

  /**
   * Answers {@code request} if it is a CORS preflight for a gRPC method ({@code /pkg.Service/Method})
   * and returns true; returns false, having done nothing, for any other request (other routes
   * decide their own cross-origin access; without it, the browser refuses).
   */
  public boolean answeredPreflight(HttpServerRequest request) {
    String origin = request.getHeader("origin");
    if (request.method() != HttpMethod.OPTIONS || origin == null
        || request.getHeader("access-control-request-method") == null || !GRPC_METHOD.matcher(request.path()).matches()) {
      return false;
    }
    MultiMap headers = request.response().headers();
    headers.add("vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    if (!anyTenantAllows(origin)) {
      request.response().setStatusCode(403).end();
      return true;
    }
    headers.set("access-control-allow-origin", origin)
        .set("access-control-allow-methods", ALLOWED_METHODS)
        .set("access-control-allow-headers", ALLOWED_HEADERS)
        .set("access-control-max-age", MAX_AGE_SECONDS);
    request.response().setStatusCode(204).end();
    return true;
  }

  /**
   * Prepares the response of an actual (not preflight) request: {@code Vary: Origin} when it has
   * an {@code Origin}, and the allow and expose headers when some tenant lists that origin.
   */
  public void allowResponse(HttpServerRequest request) {
    String origin = request.getHeader("origin");
    if (origin == null) {
      return;
    }
    MultiMap headers = request.response().headers();
    headers.add("vary", "Origin");
    if (anyTenantAllows(origin)) {
      headers.set("access-control-allow-origin", origin)
          .set("access-control-expose-headers", EXPOSED_HEADERS);
    }
  }
}
