package dev.mailgate.server.metrics;

import dev.mailgate.server.api.CallObserver;
import dev.mailgate.server.auth.Caller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every call {@code RpcBinder} binds (gRPC, gRPC-Web, HTTP/JSON), as a latency histogram by method,
 * status and ErrorInfo reason ({@value #CALLS}); Vert.x sees these only as HTTP POSTs. Calls refused
 * for a rate limit count in {@value #RATE_LIMITED} as well, and sends (SendMessage, SendDraft) in
 * {@value #SENDS} by outcome. Every label value comes from a bounded set: the bound methods, the 17
 * gRPC codes, the {@code Reason} names, and the configured tenants (only when the operator turns
 * the tenant label on). Meters are looked up in nested maps keyed by those values: recording a call
 * allocates nothing but its observation.
 */
final class CallMeters implements CallObserver {

  static final String CALLS = "mailgate.rpc.server.calls";
  static final String RATE_LIMITED = "mailgate.rate.limit.refusals";
  static final String SENDS = "mailgate.sends";

  static final String NO_REASON = "none";
  static final String NO_TENANT = "none";
  private static final String SEND_MESSAGE = "mailgate.v1.MailService/SendMessage";
  private static final String SEND_DRAFT = "mailgate.v1.MailService/SendDraft";
  private static final String RATE_LIMITED_REASON = "RATE_LIMITED";
  /** Histogram buckets: from a cache hit to a slow provider, and streams that run for minutes. */
  private static final Duration[] BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};
  private static final GrpcStatus[] STATUSES = GrpcStatus.values();

  private final MeterRegistry registry;
  private final boolean tenantLabel;
  /** method, then tenant (or {@link #NO_TENANT}), then protocol and status, then reason. */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Outcomes>> calls = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> rateLimited = new ConcurrentHashMap<>();
  /** kind (message, draft), then outcome (ok or reason), then tenant. */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Counter>> sends = new ConcurrentHashMap<>();

  CallMeters(MeterRegistry registry, boolean tenantLabel) {
    this.registry = registry;
    this.tenantLabel = tenantLabel;
  }

  @Override
  public Observation begin(CallStart call) {
    return new Call(call.rpc(), call.httpJson(), call.startNanos());
  }

  /** One call, until it ends. */
  private final class Call implements Observation {
    private final String rpc;
    private final boolean httpJson;
    private final long start;
    private String tenant = NO_TENANT;

    Call(String rpc, boolean httpJson, long start) {
      this.rpc = rpc;
      this.httpJson = httpJson;
      this.start = start;
    }

    @Override
    public void identified(Caller caller) {
      if (tenantLabel) {
        tenant = caller.tenant().id();
      }
    }

    @Override
    public void ended(GrpcStatus status, String reason) {
      long nanos = System.nanoTime() - start;
      String why = reason == null ? NO_REASON : reason;
      outcomes(rpc, tenant).timer(httpJson, status, why).record(nanos, TimeUnit.NANOSECONDS);
      if (RATE_LIMITED_REASON.equals(reason)) {
        rateLimited.computeIfAbsent(tenant, t -> tagged(Counter.builder(RATE_LIMITED)
            .description("Calls refused by a tenant's rate limits (its rate, its users' rate, or its cap on calls in flight)"),
            t).register(registry)).increment();
      }
      if (rpc.equals(SEND_MESSAGE) || rpc.equals(SEND_DRAFT)) {
        String kind = rpc.equals(SEND_MESSAGE) ? "message" : "draft";
        String outcome = status == GrpcStatus.OK ? "sent" : why;
        sends.computeIfAbsent(kind + "/" + tenant, k -> new ConcurrentHashMap<>())
            .computeIfAbsent(outcome, o -> tagged(Counter.builder(SENDS)
                .description("SendMessage and SendDraft calls by outcome: sent (also a retry answered from its first "
                    + "call's record), or the ErrorInfo reason")
                .tag("kind", kind).tag("outcome", o), tenant).register(registry))
            .increment();
      }
    }
  }

  private Outcomes outcomes(String rpc, String tenant) {
    ConcurrentHashMap<String, Outcomes> byTenant = calls.get(rpc);
    if (byTenant == null) {
      byTenant = calls.computeIfAbsent(rpc, r -> new ConcurrentHashMap<>());
    }
    Outcomes outcomes = byTenant.get(tenant);
    return outcomes != null ? outcomes : byTenant.computeIfAbsent(tenant, t -> new Outcomes(rpc, t));
  }

  /** One method's (and tenant's) timers, by protocol, status and reason. */
  private final class Outcomes {
    private final String rpc;
    private final String tenant;
    @SuppressWarnings("unchecked")
    private final ConcurrentHashMap<String, Timer>[] byStatus = new ConcurrentHashMap[STATUSES.length * 2];

    Outcomes(String rpc, String tenant) {
      this.rpc = rpc;
      this.tenant = tenant;
      for (int i = 0; i < byStatus.length; i++) {
        byStatus[i] = new ConcurrentHashMap<>(2);
      }
    }

    Timer timer(boolean httpJson, GrpcStatus status, String reason) {
      ConcurrentHashMap<String, Timer> byReason = byStatus[status.ordinal() * 2 + (httpJson ? 1 : 0)];
      Timer timer = byReason.get(reason);
      return timer != null ? timer : byReason.computeIfAbsent(reason, r -> tagged(Timer.builder(CALLS)
          .description("Calls of the Mailgate API (gRPC, gRPC-Web and HTTP/JSON), by method, status and ErrorInfo reason; "
              + "a stream's time is its whole life")
          .tag("method", rpc)
          .tag("protocol", httpJson ? "http_json" : "grpc")
          .tag("status", status.name())
          .tag("reason", r)
          .serviceLevelObjectives(BUCKETS), tenant).register(registry));
    }
  }

  private <B> B tagged(B builder, String tenant) {
    if (!tenantLabel) {
      return builder;
    }
    if (builder instanceof Timer.Builder timer) {
      timer.tag("tenant", tenant);
    } else if (builder instanceof Counter.Builder counter) {
      counter.tag("tenant", tenant);
    }
    return builder;
  }
}
