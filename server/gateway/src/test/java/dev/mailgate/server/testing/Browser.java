package dev.mailgate.server.testing;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** What a user's browser does in the OAuth dance, one redirect at a time (no JavaScript needed). */
public final class Browser {

  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  /** GETs a URL and returns the response without following its redirect. */
  public HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** GETs a URL that must redirect, and returns where to. */
  public String redirectOf(String url) throws Exception {
    HttpResponse<String> response = get(url);
    if (response.statusCode() / 100 != 3) {
      throw new AssertionError("expected a redirect from " + url + " but got " + response.statusCode() + ": " + response.body());
    }
    return response.headers().firstValue("location").orElseThrow();
  }

  /**
   * Opens the provider's authorization URL and, on its login page, signs in as {@code username}
   * (the local OAuth server's form); returns where the provider redirects the browser next.
   */
  public String signIn(String authorizationUrl, String username) throws Exception {
    HttpResponse<String> page = get(authorizationUrl);
    if (page.statusCode() / 100 == 3) {
      return page.headers().firstValue("location").orElseThrow();
    }
    HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create(authorizationUrl))
            .header("content-type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    if (submitted.statusCode() / 100 != 3) {
      throw new AssertionError("sign-in did not redirect: " + submitted.statusCode() + ": " + submitted.body());
    }
    return submitted.headers().firstValue("location").orElseThrow();
  }

  public static Map<String, String> query(String url) {
    Map<String, String> params = new HashMap<>();
    String query = URI.create(url).getRawQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return params;
  }
}
