package dev.mailgate.tenant.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The web origins ({@code scheme://host[:port]}, RFC 6454) a tenant lets call the gateway from a
 * browser page. An entry is kept in the form browsers send in the {@code Origin} header: scheme
 * and host in lowercase, the default port (80 for http, 443 for https) left out, no path, so the
 * gateway can compare the header with the list as plain strings.
 */
public final class BrowserOrigin {

  static final String REQUIREMENT = "must be an origin, scheme://host[:port] with scheme http or https"
      + " and no path, query, user or wildcard";

  private BrowserOrigin() {}

  /**
   * The canonical form of {@code text}, e.g. {@code HTTPS://App.Example.com:443} becomes
   * {@code https://app.example.com}.
   *
   * @throws IllegalArgumentException when {@code text} is not an http(s) origin: a wildcard,
   *     {@code null}, a path other than none, a query, a fragment or user information
   */
  public static String canonical(String text) {
    String trimmed = text == null ? "" : text.strip();
    if (trimmed.contains("*")) {
      throw new IllegalArgumentException(REQUIREMENT + ": a wildcard is never allowed; list each origin");
    }
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(REQUIREMENT);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean http = scheme.equals("http");
    if (!(http || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null
        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(REQUIREMENT);
    }
    int port = uri.getPort();
    boolean defaultPort = port == -1 || (http && port == 80) || (!http && port == 443);
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
  }
}
