package dev.mailgate.tenant.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Checks for the absolute http(s) URLs used as OAuth redirect and return addresses. */
final class HttpUrls {

  static final String REQUIREMENT = "must be an absolute http(s) URL";

  private HttpUrls() {
  }

  static boolean isAbsoluteHttpUrl(String text) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
