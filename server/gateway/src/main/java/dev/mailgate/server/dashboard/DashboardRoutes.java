package dev.mailgate.server.dashboard;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The tenant dashboard's static page at {@code /dashboard}: its HTML, script and style from this
 * jar's {@code dashboard/} resources, and Chart.js from its WebJar at {@code /dashboard/assets/},
 * all read once at start and served from memory (no file access on an event loop, nothing from
 * a CDN). The page holds no data and no key: its script signs in with a tenant's dashboard key and
 * reads {@code GetTenantSummary} over the HTTP/JSON API like any other caller.
 *
 * <p>Every answer carries a strict Content-Security-Policy (scripts, styles and calls from this
 * origin only, no inline script or style, no framing, no form submission), {@code nosniff}, no
 * referrer, and {@code Cache-Control: no-cache} so a new gateway version's page is picked up.
 */
public final class DashboardRoutes {

  /** Where the page is. */
  public static final String PATH = "/dashboard";

  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
      + " img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  /** The Chart.js WebJar (org.webjars.npm:chart.js): its version, then its browser build in that version. */
  private static final String CHART_JS_POM = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";
  private static final String CHART_JS = "META-INF/resources/webjars/chart.js/%s/dist/chart.umd.js";

  private static final String HTML = "text/html; charset=utf-8";
  private static final String JAVASCRIPT = "text/javascript; charset=utf-8";
  private static final String CSS = "text/css; charset=utf-8";

  /** A file of the page: its bytes (never changed; each answer gets its own buffer) and content type. */
  private record Asset(byte[] body, String contentType) {}

  private final Map<String, Asset> assets;

  private DashboardRoutes(Map<String, Asset> assets) {
    this.assets = Map.copyOf(assets);
  }

  /** Reads the page's files from the class path; fails if one is missing (a broken build). */
  public static DashboardRoutes load() {
    ClassLoader loader = DashboardRoutes.class.getClassLoader();
    Map<String, Asset> assets = new LinkedHashMap<>();
    Asset index = new Asset(read(loader, "dashboard/index.html"), HTML);
    assets.put(PATH, index);
    assets.put(PATH + "/", index);
    assets.put(PATH + "/dashboard.js", new Asset(read(loader, "dashboard/dashboard.js"), JAVASCRIPT));
    assets.put(PATH + "/dashboard.css", new Asset(read(loader, "dashboard/dashboard.css"), CSS));
    assets.put(PATH + "/assets/chart.umd.js", new Asset(read(loader, CHART_JS.formatted(chartJsVersion(loader))),
        JAVASCRIPT));
    return new DashboardRoutes(assets);
  }

  public void mount(Router router) {
    router.get(PATH).handler(this::serve);
    router.get(PATH + "/*").handler(this::serve);
  }

  private void serve(RoutingContext ctx) {
    Asset asset = assets.get(ctx.request().path());
    HttpServerResponse response = ctx.response()
        .putHeader("content-security-policy", CONTENT_SECURITY_POLICY)
        .putHeader("x-content-type-options", "nosniff")
        .putHeader("referrer-policy", "no-referrer")
        .putHeader("x-frame-options", "DENY")
        .putHeader("cross-origin-opener-policy", "same-origin")
        .putHeader("cache-control", "no-cache");
    if (asset == null) {
      response.setStatusCode(404).putHeader("content-type", "text/plain; charset=utf-8").end("not found\n");
      return;
    }
    response.putHeader("content-type", asset.contentType()).end(Buffer.buffer(asset.body()));
  }

  private static String chartJsVersion(ClassLoader loader) {
    Properties pom = new Properties();
    try (InputStream in = loader.getResourceAsStream(CHART_JS_POM)) {
      if (in == null) {
        throw new IllegalStateException("the Chart.js WebJar (org.webjars.npm:chart.js) is not on the class path");
      }
      pom.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pom.getProperty("version");
  }

  private static byte[] read(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("dashboard resource missing from the class path: " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
