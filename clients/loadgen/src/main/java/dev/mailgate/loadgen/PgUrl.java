package dev.mailgate.loadgen;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A {@code postgresql://user[:password]@host:port/database} URL (the form {@code --pg-url} takes)
 * as JDBC needs it: {@code jdbc:postgresql://host:port/database} plus user and password. A URL
 * that already starts with {@code jdbc:} is used as it is (user and password then in the URL).
 */
public record PgUrl(String jdbcUrl, String user, String password) {

  public static PgUrl parse(String url) {
    if (url.startsWith("jdbc:")) {
      return new PgUrl(url, null, null);
    }
    URI uri = URI.create(url);
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new IllegalArgumentException("expected postgresql://user[:password]@host:port/database");
    }
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
      password = parts.length == 2 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : null;
    }
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();
    return new PgUrl("jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getRawPath(), user, password);
  }

  @Override
  public String toString() {
    return "PgUrl[" + jdbcUrl + ", user=" + user + "]";
  }
}
