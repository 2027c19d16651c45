package dev.mailgate.loadgen;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What {@code run --target} can put load on. */
public enum TargetKind {
  /** The Mailgate gateway (Vert.x gRPC client). */
  GATEWAY("gateway"),
  /** The gateway's ListConnections SQL straight on the tenant database (vertx-pg-client). */
  DIRECT("direct"),
  /** The grpc-java baseline server ({@code baseline-server}), same client as the gateway. */
  GRPC_JAVA("grpc-java"),
  /** The bare Vert.x gRPC server ({@code bare-vertx-server}): transport and driver only, same client as the gateway. */
  BARE_VERTX("bare-vertx"),
  /** The Gmail calls of one SearchMessages page straight on the Gmail (sandbox) API. */
  GMAIL_DIRECT("gmail-direct");

  private final String label;

  TargetKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static TargetKind parse(String text) {
    return Arrays.stream(values()).filter(k -> k.label.equalsIgnoreCase(text.trim())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown target '" + text + "'; expected one of "
            + Arrays.stream(values()).map(TargetKind::label).collect(Collectors.joining(", "))));
  }

  @Override
  public String toString() {
    return label;
  }
}
