package dev.mailgate.server.sandbox.graph;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place sandbox failures become HTTP answers, in Microsoft Graph's error format
 * (https://learn.microsoft.com/graph/errors):
 * {@code {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}}.
 */
final class GraphErrors {

  private static final Logger log = LoggerFactory.getLogger(GraphErrors.class);
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  private GraphErrors() {}

  /** Failure handler of the sandbox routes: Graph errors as they are, body limits as 413, anything else as 500. */
  static void handleFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    GraphException error;
    if (failure instanceof GraphException graph) {
      error = graph;
    } else if (ctx.statusCode() == 413) {
      error = GraphException.tooLarge();
    } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      error = GraphException.badRequest("The request could not be read.");
    } else {
      log.warn("Graph sandbox failed on {} {}", ctx.request().method(), ctx.request().path(), failure);
      error = GraphException.injected(500, "generalException", null);
    }
    send(ctx, error);
  }

  static void send(RoutingContext ctx, GraphException error) {
    HttpServerResponse response = ctx.response();
    if (response.ended()) {
      return;
    }
    Gate.RequestIds ids = Gate.requestIds(ctx);
    JsonObject body = new JsonObject().put("error", new JsonObject()
        .put("code", error.code())
        .put("message", error.getMessage())
        .put("innerError", new JsonObject()
            .put("date", DATE.format(LocalDateTime.now(ZoneOffset.UTC)))
            .put("request-id", ids.requestId())
            .put("client-request-id", ids.clientRequestId())));
    response.setStatusCode(error.status());
    error.headers().forEach(response::putHeader);
    response.putHeader("content-type", "application/json").end(body.encode());
  }
}
