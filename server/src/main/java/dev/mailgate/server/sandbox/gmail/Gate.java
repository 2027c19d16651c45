package dev.mailgate.server.sandbox.gmail;

import dev.mailgate.server.sandbox.BearerIdentity;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every sandbox request passes first: it is counted, delayed by the configured latency,
 * failed if a failure is queued, then authenticated ({@link BearerIdentity}) and matched against
 * the {@code userId} of the path ({@code me} or the caller's own address). The caller's mailbox
 * is left in the routing context.
 */
final class Gate implements Handler<RoutingContext> {

  private static final String MAILBOX = "gmail.sandbox.mailbox";
  private static final String METHOD_OVERRIDE = "X-HTTP-Method-Override";

  /** Failures queued by {@code failNext}. */
  private record Fault(AtomicInteger remaining, int code, String reason, Duration retryAfter) {}

  private final Mailboxes mailboxes;
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final AtomicReference<Fault> fault = new AtomicReference<>();
  private volatile Duration latency = Duration.ZERO;

  Gate(Mailboxes mailboxes) {
    this.mailboxes = mailboxes;
  }

  /** The caller's mailbox, as the gate resolved it. */
  static Mailbox mailbox(RoutingContext ctx) {
    return ctx.get(MAILBOX);
  }

  /** The method the client meant: Google's clients tunnel PATCH and long GETs through POST with an override header. */
  static String method(RoutingContext ctx) {
    String override = ctx.request().getHeader(METHOD_OVERRIDE);
    return override != null && !override.isBlank() ? override.trim().toUpperCase(Locale.ROOT)
        : ctx.request().method().name();
  }

  void failNext(int count, int code, String reason, Duration retryAfter) {
    fault.set(new Fault(new AtomicInteger(count), code, reason, retryAfter));
  }

  void latency(Duration latency) {
    this.latency = latency == null || latency.isNegative() ? Duration.ZERO : latency;
  }

  int calls(String method, String pathSuffix) {
    String prefix = method.toUpperCase(Locale.ROOT) + " ";
    return calls.entrySet().stream().filter(e -> e.getKey().startsWith(prefix) && e.getKey().endsWith(pathSuffix))
        .mapToInt(e -> e.getValue().get()).sum();
  }

  @Override
  public void handle(RoutingContext ctx) {
    calls.computeIfAbsent(method(ctx) + " " + ctx.request().path(), call -> new AtomicInteger()).incrementAndGet();
    long delay = latency.toMillis();
    if (delay > 0) {
      ctx.vertx().setTimer(delay, timer -> admit(ctx));
    } else {
      admit(ctx);
    }
  }

  private void admit(RoutingContext ctx) {
    try {
      Optional<GmailException> injected = nextFault();
      if (injected.isPresent()) {
        GoogleErrors.send(ctx, injected.get());
        return;
      }
      String authorization = ctx.request().getHeader("authorization");
      String address = BearerIdentity.mailboxOf(authorization)
          .orElseThrow(() -> GmailException.unauthenticated(authorization == null || authorization.isBlank()));
      String userId = ctx.pathParam("userId");
      if (!"me".equals(userId) && !address.equalsIgnoreCase(userId)) {
        throw GmailException.delegationDenied(userId);
      }
      ctx.put(MAILBOX, mailboxes.open(address));
      ctx.next();
    } catch (RuntimeException e) {
      ctx.fail(e);
    }
  }

  private Optional<GmailException> nextFault() {
    Fault queued = fault.get();
    if (queued == null || queued.remaining().getAndUpdate(n -> Math.max(0, n - 1)) <= 0) {
      return Optional.empty();
    }
    Map<String, String> headers = new HashMap<>();
    if (queued.retryAfter() != null) {
      headers.put("Retry-After", Long.toString(Math.max(0, queued.retryAfter().toSeconds())));
    }
    return Optional.of(GmailException.injected(queued.code(), queued.reason(), headers));
  }
}
