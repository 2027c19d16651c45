package dev.mailgate.server.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether and how the gateway serves {@code /metrics}. Without a token nothing is served there
 * (404): the gateway has one port, open to every caller, and its meters name methods, failure
 * reasons and (if turned on) tenants, which are the operator's business only. With a token,
 * {@code /metrics} answers a scrape that carries {@code Authorization: Bearer <token>} and 401 to
 * any other.
 *
 * @param token the bearer token a scraper must present; empty: {@code /metrics} is not served
 * @param tenantLabel whether the gateway's own meters carry a {@code tenant} label (one series per
 *     tenant: turn it on only where the number of tenants is small)
 */
public record MetricsPolicy(Optional<String> token, boolean tenantLabel) {

  /** Shortest token accepted: a guessable token protects nothing. */
  public static final int MIN_TOKEN_LENGTH = 16;

  /** {@code /metrics} not served, no tenant label. */
  public static final MetricsPolicy OFF = new MetricsPolicy(Optional.empty(), false);

  public MetricsPolicy {
    token.ifPresent(value -> {
      if (value.length() < MIN_TOKEN_LENGTH || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException("the metrics token must be at least " + MIN_TOKEN_LENGTH
            + " printable ASCII characters without spaces");
      }
    });
  }

  /** Served to scrapers that present this token. */
  public static MetricsPolicy protectedBy(String token) {
    return new MetricsPolicy(Optional.of(token), false);
  }

  /** Served to scrapers that present the token in {@code file} (its first line, trimmed). */
  public static MetricsPolicy protectedByFile(Path file) throws IOException {
    String content = Files.readString(file, StandardCharsets.UTF_8).strip();
    int newline = content.indexOf('\n');
    return protectedBy(newline < 0 ? content : content.substring(0, newline).strip());
  }

  /** This policy with the tenant label on or off. */
  public MetricsPolicy withTenantLabel(boolean on) {
    return new MetricsPolicy(token, on);
  }

  /** Whether {@code /metrics} is served. */
  public boolean served() {
    return token.isPresent();
  }

  @Override
  public String toString() {
    return "MetricsPolicy[served=" + served() + ", tenantLabel=" + tenantLabel + "]";
  }
}
