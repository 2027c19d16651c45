package dev.mailgate.server.sandbox.gmail;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place sandbox failures become HTTP answers, in the JSON error format of Google APIs
 * (https://developers.google.com/gmail/api/guides/handle-errors):
 * {@code {"error":{"code","message","errors":[{"message","domain":"global","reason"}],"status"}}}.
 */
final class GoogleErrors {

  private static final Logger log = LoggerFactory.getLogger(GoogleErrors.class);

  private GoogleErrors() {}

  /** Failure handler for the sandbox routes: Gmail errors as they are, body limits as 413, anything else as 500. */
  static void handleFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    GmailException error;
    if (failure instanceof GmailException gmail) {
      error = gmail;
    } else if (ctx.statusCode() == 413) {
      error = GmailException.tooLarge();
    } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      error = new GmailException(ctx.statusCode(), "invalidArgument", "Invalid request");
    } else {
      log.warn("Gmail sandbox failed on {} {}", ctx.request().method(), ctx.request().path(), failure);
      error = GmailException.injected(500, "backendError", Map.of());
    }
    send(ctx, error);
  }

  static void send(RoutingContext ctx, GmailException error) {
    HttpServerResponse response = ctx.response();
    if (response.ended()) {
      return;
    }
    boolean insufficientScope = GmailException.INSUFFICIENT_SCOPE.equals(error.reason());
    JsonObject item = new JsonObject()
        .put("message", insufficientScope ? "Insufficient Permission" : error.getMessage())
        .put("domain", "global")
        .put("reason", error.reason());
    error.location().forEach(item::put);
    JsonObject details = new JsonObject()
        .put("code", error.code())
        .put("message", error.getMessage())
        .put("errors", new JsonArray().add(item))
        .put("status", error.status());
    if (insufficientScope) {
      details.put("details", new JsonArray().add(new JsonObject()
          .put("@type", "type.googleapis.com/google.rpc.ErrorInfo")
          .put("reason", "ACCESS_TOKEN_SCOPE_INSUFFICIENT")
          .put("domain", "googleapis.com")
          .put("metadata", new JsonObject().put("service", "gmail.googleapis.com"))));
    }
    JsonObject body = new JsonObject().put("error", details);
    response.setStatusCode(error.code());
    error.headers().forEach(response::putHeader);
    response.putHeader("content-type", "application/json; charset=UTF-8").end(body.encode());
  }
}
