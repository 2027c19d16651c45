package dev.mailgate.server.grpc;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.Descriptors;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.server.Service;
import io.vertx.grpc.transcoding.MethodTranscodingOptions;
import io.vertx.grpc.transcoding.impl.PathMatcher;
import io.vertx.grpc.transcoding.impl.PathMatcherBuilder;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The HTTP/JSON calls: requests under {@code /v1/}, the {@code google.api.http} rules of
 * {@code mailgate.v1} (AIP-127). They go to the same gRPC servers as gRPC calls, where Vert.x's
 * transcoding matches the rule, builds the request message from the path, query and JSON body,
 * and the same services, caller resolution, limits and error map answer them.
 *
 * <p>Before handing a request on, this marks its context as an HTTP/JSON call (so that
 * {@code GrpcErrors} answers a failure with the JSON form of {@code google.rpc.Status} and the
 * matching HTTP status), treats a missing or parameterised JSON content type as
 * {@code application/json} (the transcoder accepts only that exact value, and a GET has none),
 * and works around Vert.x 5.0's custom-verb bug (vertx-grpc #277, fixed in 5.1): a rule whose
 * path has a verb but no variable ({@code /v1/connections:completeAuthorization}) is mounted at
 * {@code /v1/connections}, a prefix the server never reaches from the request path, so that one
 * request path is handed on as {@code /v1/connections/:completeAuthorization}, which the
 * server's prefix walk reaches and the rule's own matcher still reads as the verb. A path that no
 * rule matches is answered here with 404 (the 5.0 server's answer is a bare 500). The rules are
 * matched with the transcoder's own matcher, so this agrees with what the server does.
 */
public final class HttpJsonCalls implements Handler<HttpServerRequest> {

  /** Every HTTP/JSON path starts with this. */
  public static final String PATH_PREFIX = "/v1/";
  private static final String JSON = "application/json";
  private static final Object RESPONSE = new Object();

  /**
   * The largest HTTP/JSON request body, for every method: Vert.x 5.0's transcoder parses and
   * re-encodes the JSON on the event loop (a 7 MB send blocked it for over 2 s here), so bodies
   * stay small; sends with large attachments go over gRPC, whose limit is the method's.
   */
  public static final int MAX_REQUEST_BYTES = 1024 * 1024;

  private final Handler<HttpServerRequest> grpc;
  private final PathMatcher rules;
  private final Set<String> unreachableVerbPaths = new HashSet<>();

  /** Calls to the rules of {@code services}, handed on to {@code grpc}. */
  public HttpJsonCalls(List<Service> services, Handler<HttpServerRequest> grpc) {
    this.grpc = grpc;
    PathMatcherBuilder matcher = new PathMatcherBuilder();
    for (Service service : services) {
      for (Descriptors.MethodDescriptor method : service.descriptor().getMethods()) {
        if (method.getOptions().hasExtension(AnnotationsProto.http)) {
          HttpRule rule = method.getOptions().getExtension(AnnotationsProto.http);
          String path = pathOf(rule);
          matcher.register(new MethodTranscodingOptions().setHttpMethod(HttpMethod.valueOf(methodOf(rule)))
              .setPath(path).setBody(rule.getBody()), method.getFullName());
          if (path.lastIndexOf(':') > path.lastIndexOf('/') && !path.contains("{")) {
            unreachableVerbPaths.add(path);
          }
        }
      }
    }
    this.rules = matcher.build();
  }

  /** Whether {@code request} is an HTTP/JSON call. */
  public static boolean accepts(HttpServerRequest request) {
    return request.path().startsWith(PATH_PREFIX);
  }

  @Override
  public void handle(HttpServerRequest request) {
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || type.isBlank() || type.toLowerCase().startsWith(JSON)) {
      request.headers().set(HttpHeaders.CONTENT_TYPE, JSON);
    }
    String path = request.path();
    if (rules.lookup(request.method().name(), path, request.query()) == null) {
      // Vert.x 5.0 answers a path no rule matches with a bare 500.
      request.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end(new JsonObject().put("code", 5).put("message", "no method of mailgate.v1 at " + request.method() + " "
              + path).encode());
      return;
    }
    HttpServerRequestInternal internal = (HttpServerRequestInternal) request;
    internal.context().putLocal(RESPONSE, request.response());
    int colon = path.lastIndexOf(':');
    if (colon > path.lastIndexOf('/') && unreachableVerbPaths.contains(path)) {
      grpc.handle(new RewrittenPath(internal, path.substring(0, colon) + "/" + path.substring(colon)));
    } else {
      grpc.handle(request);
    }
  }

  /**
   * The HTTP response of the HTTP/JSON call running on the current context, if it is one: the
   * context was marked by {@link #handle} and the request (its {@code headers}) is still JSON, so
   * a gRPC-Web call that shares an HTTP/1.1 connection's context is never taken for one.
   */
  public static Optional<HttpServerResponse> current(MultiMap headers) {
    Context context = Vertx.currentContext();
    if (!(context instanceof ContextInternal internal) || !JSON.equals(headers.get(HttpHeaders.CONTENT_TYPE))) {
      return Optional.empty();
    }
    return Optional.ofNullable(internal.<HttpServerResponse>getLocal(RESPONSE));
  }

  private static String pathOf(HttpRule rule) {
    return switch (rule.getPatternCase()) {
      case GET -> rule.getGet();
      case POST -> rule.getPost();
      case PUT -> rule.getPut();
      case PATCH -> rule.getPatch();
      case DELETE -> rule.getDelete();
      case CUSTOM -> rule.getCustom().getPath();
      case PATTERN_NOT_SET -> "";
    };
  }

  private static String methodOf(HttpRule rule) {
    return rule.getPatternCase() == HttpRule.PatternCase.CUSTOM ? rule.getCustom().getKind()
        : rule.getPatternCase().name();
  }

  /** The same request under another path (the query string is kept). */
  private static final class RewrittenPath extends HttpServerRequestWrapper {
    private final String path;

    RewrittenPath(HttpServerRequestInternal delegate, String path) {
      super(delegate);
      this.path = path;
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public String uri() {
      String query = delegate.query();
      return query == null ? path : path + "?" + query;
    }
  }
}
