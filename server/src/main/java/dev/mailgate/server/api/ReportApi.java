package dev.mailgate.server.api;

import dev.mailgate.proto.v1.ReportServiceGrpcService;
import io.vertx.grpc.server.Service;

/** mailgate.v1.ReportService: answered UNIMPLEMENTED until sends are audited. */
public final class ReportApi {

  private static final String MISSING = "reports read the send audit log, which comes with sending mail";

  public Service service(RpcBinder binder) {
    return binder.service(ReportServiceGrpcService.SERVICE_NAME, ReportServiceGrpcService.SERVICE_DESCRIPTOR)
        .notYet(ReportServiceGrpcService.GetUserReport, MISSING)
        .notYet(ReportServiceGrpcService.GetTenantSummary, MISSING)
        .build();
  }
}
