package dev.mailgate.server.grpc;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAPI description of the HTTP/JSON calls, at {@code GET /openapi.json}, for anyone (no
 * tenant, no key: it describes the API, not a tenant's data). The document is generated from the
 * {@code google.api.http} rules and comments of {@code mailgate.v1} by grpc-gateway's
 * protoc-gen-swagger (proto/openapi.sh) and travels in the proto jar beside the .proto files; it is
 * read once, when the gateway starts.
 */
public final class OpenApiDocument {

  private static final Logger log = LoggerFactory.getLogger(OpenApiDocument.class);

  /** Where the gateway serves it. */
  public static final String PATH = "/openapi.json";
  /** Where it is on the class path (the proto module's jar). */
  static final String RESOURCE = "mailgate/v1/mailgate.swagger.json";

  private OpenApiDocument() {}

  /**
   * Serves the document on {@code router}. A build whose proto jar lacks it (an outdated jar on
   * the class path) still serves the API, and answers 404 here with the reason.
   */
  public static void mount(Router router) {
    Buffer document = load();
    if (document == null) {
      log.warn("{} is not on the class path (an outdated mailgate-proto jar?): {} answers 404", RESOURCE, PATH);
      router.get(PATH).handler(ctx -> ctx.response().setStatusCode(404)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(new JsonObject().put("code", 5).put("message", "this build has no OpenAPI description").encode()));
      return;
    }
    router.get(PATH).handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "max-age=300")
        .end(document));
  }

  private static Buffer load() {
    try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      return in == null ? null : Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
