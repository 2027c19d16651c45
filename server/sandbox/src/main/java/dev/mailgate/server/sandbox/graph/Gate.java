package dev.mailgate.server.sandbox.graph;

import dev.mailgate.server.sandbox.BearerIdentity;
import dev.mailgate.server.sandbox.CallCounts;
import dev.mailgate.server.sandbox.FaultInjection;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every sandbox request passes first: it gets Graph's {@code request-id} headers and is
 * counted; if its bearer token names a mailbox it counts as in flight for that mailbox until it
 * is answered, and a fifth one in flight is throttled at once as Exchange does; then it is delayed
 * by the configured latency, failed if a failure is queued, and authenticated
 * ({@link BearerIdentity}). The caller's mailbox is left in the routing context.
 */
final class Gate implements Handler<RoutingContext> {

  /** Exchange Online's limit of concurrent requests per application and mailbox. */
  static final int MAILBOX_CONCURRENCY = 4;

  private static final Duration THROTTLED_RETRY_AFTER = Duration.ofSeconds(2);
  private static final String MAILBOX = "graph.sandbox.mailbox";
  private static final String REQUEST_IDS = "graph.sandbox.requestIds";
  private static final String USERS_PREFIX = "/v1.0/users/";

  /** The ids Graph puts on every answer and in every error's {@code innerError}. */
  record RequestIds(String requestId, String clientRequestId) {}

  private final Mailboxes mailboxes;
  private final CallCounts calls = new CallCounts();
  private final FaultInjection faults = new FaultInjection();
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final AtomicInteger maxConcurrent = new AtomicInteger();

  Gate(Mailboxes mailboxes) {
    this.mailboxes = mailboxes;
  }

  /** The caller's mailbox, as the gate resolved it. */
  static Mailbox mailbox(RoutingContext ctx) {
    return ctx.get(MAILBOX);
  }

  /** The request's ids; fresh ones for a request that failed before reaching the gate. */
  static RequestIds requestIds(RoutingContext ctx) {
    RequestIds ids = ctx.get(REQUEST_IDS);
    if (ids == null) {
      String id = UUID.randomUUID().toString();
      ids = new RequestIds(id, id);
    }
    return ids;
  }

  void failNext(int count, int status, String code, Duration retryAfter) {
    faults.failNext(count, new FaultInjection.Fault(status, code, retryAfter));
  }

  void latency(Duration latency) {
    faults.latency(latency);
  }

  int calls(String method, String pathSuffix) {
    return calls.calls(method, pathSuffix);
  }

  int maxConcurrent() {
    return maxConcurrent.get();
  }

  @Override
  public void handle(RoutingContext ctx) {
    String requestId = UUID.randomUUID().toString();
    String clientRequestId = ctx.request().getHeader("client-request-id");
    RequestIds ids = new RequestIds(requestId,
        clientRequestId == null || clientRequestId.isBlank() ? requestId : clientRequestId.trim());
    ctx.put(REQUEST_IDS, ids);
    ctx.response().putHeader("request-id", ids.requestId()).putHeader("client-request-id", ids.clientRequestId());
    calls.count(ctx.request().method().name(), ctx.request().path());
    String authorization = ctx.request().getHeader("authorization");
    Optional<String> address = BearerIdentity.mailboxOf(authorization);
    if (address.isPresent() && !enterMailbox(ctx, address.get())) {
      GraphErrors.send(ctx, GraphException.mailboxConcurrency(THROTTLED_RETRY_AFTER));
      return;
    }
    faults.afterLatency(ctx, () -> admit(ctx, address, authorization));
  }

  /** Counts the request as in flight for its mailbox until it is answered; false if that is over the limit. */
  private boolean enterMailbox(RoutingContext ctx, String address) {
    AtomicInteger running = inFlight.computeIfAbsent(address.toLowerCase(Locale.ROOT), a -> new AtomicInteger());
    int now = running.incrementAndGet();
    maxConcurrent.accumulateAndGet(now, Math::max);
    ctx.addEndHandler(done -> running.decrementAndGet());
    return now <= MAILBOX_CONCURRENCY;
  }

  private void admit(RoutingContext ctx, Optional<String> address, String authorization) {
    try {
      Optional<FaultInjection.Fault> injected = faults.next();
      if (injected.isPresent()) {
        FaultInjection.Fault fault = injected.get();
        throw GraphException.injected(fault.status(), fault.code(), fault.retryAfter());
      }
      if (address.isEmpty()) {
        throw GraphException.unauthenticated(authorization == null || authorization.isBlank());
      }
      Mailbox mailbox = mailboxes.open(address.get());
      String path = ctx.request().path();
      if (path.startsWith(USERS_PREFIX)) {
        String user = path.substring(USERS_PREFIX.length()).split("/", 2)[0];
        user = URLDecoder.decode(user, StandardCharsets.UTF_8);
        if (!user.equalsIgnoreCase(mailbox.address()) && !user.equalsIgnoreCase(mailbox.userId())) {
          throw GraphException.accessDenied();
        }
      }
      ctx.put(MAILBOX, mailbox);
      ctx.next();
    } catch (RuntimeException e) {
      ctx.fail(e);
    }
  }
}
