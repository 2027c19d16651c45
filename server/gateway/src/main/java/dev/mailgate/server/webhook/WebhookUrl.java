package dev.mailgate.server.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * A webhook URL taken apart for a request: https (or http where the egress policy allows loopback,
 * that is in dev mode and tests), a host, no user information and no fragment.
 */
record WebhookUrl(boolean https, String host, int port, String pathAndQuery) {

  static final int MAX_LENGTH = 2048;

  /** The URL, or why it is not one the gateway posts to. */
  static Result parse(String text, boolean allowHttp) {
    if (text.isEmpty() || text.length() > MAX_LENGTH) {
      return Result.refused("must be an https URL of at most " + MAX_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      return Result.refused("is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
      return Result.refused(allowHttp ? "must be an http or https URL" : "must be an https URL");
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      return Result.refused("must name a host, without user information or fragment");
    }
    boolean https = scheme.equals("https");
    int port = uri.getPort() == -1 ? (https ? 443 : 80) : uri.getPort();
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
    return new Result(Optional.of(new WebhookUrl(https, host, port,
        uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery())), Optional.empty());
  }

  /** A parsed URL or a refusal (the description of a field violation). */
  record Result(Optional<WebhookUrl> url, Optional<String> refusal) {
    static Result refused(String why) {
      return new Result(Optional.empty(), Optional.of(why));
    }
  }
}
