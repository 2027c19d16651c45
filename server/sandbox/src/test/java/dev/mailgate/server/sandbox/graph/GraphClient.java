package dev.mailgate.server.sandbox.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Graph calls as one user, made with the Vert.x WebClient; paths are below {@code /v1.0/me}. */
final class GraphClient {

  private final WebClient client;
  private final String authorization;

  GraphClient(WebClient client, String authorization) {
    this.client = client;
    this.authorization = authorization;
  }

  /** A request to {@code /v1.0/me + path} with {@code query} as name, value, name, value... */
  HttpRequest<Buffer> request(HttpMethod method, String path, String... query) {
    return requestAt(method, "/v1.0/me" + path, query);
  }

  /** A request to a full path ({@code /v1.0/users/...}). */
  HttpRequest<Buffer> requestAt(HttpMethod method, String fullPath, String... query) {
    HttpRequest<Buffer> request = client.request(method, fullPath);
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    for (int i = 0; i + 1 < query.length; i += 2) {
      request.addQueryParam(query[i], query[i + 1]);
    }
    return request;
  }

  HttpResponse<Buffer> get(String path, String... query) {
    return await(request(HttpMethod.GET, path, query).send());
  }

  /** GET, asserting 200, as JSON. */
  JsonObject json(String path, String... query) {
    return ok(get(path, query)).bodyAsJsonObject();
  }

  /** A GET of an absolute URL (a next or delta link), with this client's authorization. */
  HttpRequest<Buffer> absolute(String absoluteUrl) {
    HttpRequest<Buffer> request = client.getAbs(absoluteUrl);
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return request;
  }

  /** GET of an absolute URL, e.g. an {@code @odata.nextLink}. */
  JsonObject follow(String absoluteUrl) {
    HttpRequest<Buffer> request = client.getAbs(absoluteUrl);
    request.putHeader("Authorization", authorization);
    return ok(await(request.send())).bodyAsJsonObject();
  }

  HttpResponse<Buffer> post(String path, JsonObject body) {
    return await(request(HttpMethod.POST, path).sendJsonObject(body));
  }

  HttpResponse<Buffer> patch(String path, JsonObject body) {
    return await(request(HttpMethod.PATCH, path).sendJsonObject(body));
  }

  HttpResponse<Buffer> delete(String path) {
    return await(request(HttpMethod.DELETE, path).send());
  }

  /** POST of RFC 822 in Graph's MIME format: base64 with {@code Content-Type: text/plain}. */
  HttpResponse<Buffer> postMime(String path, byte[] rfc822) {
    return await(request(HttpMethod.POST, path).putHeader("Content-Type", "text/plain")
        .sendBuffer(Buffer.buffer(Base64.getEncoder().encodeToString(rfc822))));
  }

  static <T> T await(Future<T> future) {
    try {
      return future.await(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("No answer from the sandbox within 60 seconds", e);
    }
  }

  static HttpResponse<Buffer> ok(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response;
  }
}
