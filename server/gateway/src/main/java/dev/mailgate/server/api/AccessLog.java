package dev.mailgate.server.api;

import io.vertx.grpc.common.GrpcStatus;
import java.util.Locale;

/**
 * Which calls get a line in the access log ({@code mailgate.access}). Every call is the default;
 * at many thousand calls per second the lines cost more CPU than the calls themselves, so busy
 * gateways may keep only the failed ones.
 */
public enum AccessLog {
  /** One line per call. */
  ALL,
  /** One line per call that did not end OK. */
  ERRORS,
  /** No access log. */
  OFF;

  boolean logs(GrpcStatus status) {
    return this == ALL || (this == ERRORS && status != GrpcStatus.OK);
  }

  /** {@code all}, {@code errors} or {@code off}, any case. */
  public static AccessLog parse(String value) {
    return valueOf(value.trim().toUpperCase(Locale.ROOT));
  }
}
