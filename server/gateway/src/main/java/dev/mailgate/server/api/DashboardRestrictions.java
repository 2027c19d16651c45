package dev.mailgate.server.api;

import dev.mailgate.proto.v1.ReportServiceGrpcService;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import io.vertx.grpc.common.ServiceMethod;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Holds a call made with a tenant's dashboard key to the read-only report methods, before any
 * implementation runs: any other method is refused with {@code DASHBOARD_METHOD_NOT_ALLOWED}
 * (PERMISSION_DENIED), over gRPC, gRPC-Web and HTTP/JSON alike. The dashboard page needs nothing
 * else: {@code GetTenantSummary} carries every figure it shows.
 */
final class DashboardRestrictions {

  /** The only methods a dashboard key may call: they read reports and change nothing. */
  private static final Set<String> ALLOWED = Stream.<ServiceMethod<?, ?>>of(
          ReportServiceGrpcService.GetTenantSummary, ReportServiceGrpcService.GetUserReport)
      .map(ServiceMethod::fullMethodName)
      .collect(Collectors.toUnmodifiableSet());

  private DashboardRestrictions() {}

  /** Whether a dashboard key may call this method. */
  static boolean allows(String fullMethodName) {
    return ALLOWED.contains(fullMethodName);
  }

  /** Throws the refusal for this call, unless a dashboard key may make it. */
  static void check(String fullMethodName) {
    if (!allows(fullMethodName)) {
      throw new GatewayException(Reason.DASHBOARD_METHOD_NOT_ALLOWED,
          "a dashboard key may only read reports (mailgate.v1.ReportService), not call " + fullMethodName);
    }
  }
}
