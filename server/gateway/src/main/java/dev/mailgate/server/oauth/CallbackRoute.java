package dev.mailgate.server.oauth;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.store.ConnectionRecord;
import dev.mailgate.server.tenant.Tenant;
import dev.mailgate.server.tenant.TenantRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /oauth2/callback}: where the provider sends the user's browser back. It consumes the
 * state, completes the connection, and redirects to the return URL with {@code connection_id}
 * and {@code status} (or {@code error}), or shows a small page when there is no return URL.
 */
public final class CallbackRoute implements Handler<RoutingContext> {

  public static final String PATH = "/oauth2/callback";

  private static final Logger log = LoggerFactory.getLogger(CallbackRoute.class);

  private final TenantRegistry tenants;
  private final AuthorizationFlow flow;

  public CallbackRoute(TenantRegistry tenants, AuthorizationFlow flow) {
    this.tenants = tenants;
    this.flow = flow;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String state = Optional.ofNullable(ctx.request().getParam("state")).orElse("");
    String code = Optional.ofNullable(ctx.request().getParam("code")).orElse("");
    String providerError = ctx.request().getParam("error");
    Optional<Tenant> tenant = AuthorizationFlow.tenantOf(state).flatMap(tenants::find);
    if (tenant.isEmpty()) {
      page(ctx, 400, "This sign-in link is not valid", "Start connecting your mailbox again from the application.");
      return;
    }
    flow.consume(tenant.get(), state).onComplete(consumed -> {
      if (consumed.failed()) {
        page(ctx, 400, "This sign-in link is not valid",
            "It has expired or was already used. Start connecting your mailbox again from the application.");
        return;
      }
      var pending = consumed.result();
      if (providerError != null || code.isEmpty()) {
        String error = providerError == null ? "missing_code" : providerError;
        log.info("tenant={} authorization ended by the provider: {}", tenant.get().id(), sanitize(error));
        finish(ctx, pending.returnUrl(), Map.of("error", sanitize(error)), "The mailbox was not connected",
            "The provider did not grant access (" + sanitize(error) + ").", 400);
        return;
      }
      flow.finish(tenant.get(), pending, code).onComplete(done -> {
        if (done.succeeded()) {
          ConnectionRecord connection = done.result();
          finish(ctx, pending.returnUrl(),
              Map.of("connection_id", connection.id().toString(), "status", connection.status().name()),
              "Mailbox connected", connection.emailAddress() + " is now connected. You can close this window.", 200);
        } else {
          Reason reason = done.cause() instanceof GatewayException e ? e.reason() : Reason.INTERNAL;
          log.warn("tenant={} authorization failed: {}", tenant.get().id(), reason);
          finish(ctx, pending.returnUrl(), Map.of("error", reason.name().toLowerCase()),
              "The mailbox was not connected", "Something went wrong (" + reason + "). Please try again.", 502);
        }
      });
    });
  }

  private static void finish(RoutingContext ctx, String returnUrl, Map<String, String> params, String title,
      String message, int status) {
    if (returnUrl.isEmpty()) {
      page(ctx, status, title, message);
      return;
    }
    StringJoiner query = new StringJoiner("&");
    params.forEach((key, value) -> query.add(key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)));
    String target = returnUrl + (returnUrl.contains("?") ? "&" : "?") + query;
    ctx.response().setStatusCode(302).putHeader("location", target).putHeader("cache-control", "no-store").end();
  }

  private static void page(RoutingContext ctx, int status, String title, String message) {
    String html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <title>%1$s</title>
        <style>body{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;margin:0;background:#f6f7f9;color:#1d2330}
        main{background:#fff;padding:2rem 2.5rem;border-radius:12px;box-shadow:0 2px 12px rgba(0,0,0,.08);max-width:32rem}
        h1{font-size:1.3rem;margin:0 0 .5rem}p{margin:0;line-height:1.5}</style></head>
        <body><main><h1>%1$s</h1><p>%2$s</p></main></body></html>
        """.formatted(escape(title), escape(message));
    ctx.response().setStatusCode(status)
        .putHeader("content-type", "text/html; charset=utf-8")
        .putHeader("cache-control", "no-store")
        .end(html);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** Provider error codes are short ASCII words; anything else is not echoed. */
  private static String sanitize(String error) {
    return error.matches("[a-z_]{1,64}") ? error : "unknown_error";
  }
}
