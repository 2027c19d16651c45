package dev.mailgate.server.sandbox.gmail;

import dev.mailgate.server.sandbox.BearerIdentity;
import dev.mailgate.server.sandbox.CallCounts;
import dev.mailgate.server.sandbox.FaultInjection;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What every sandbox request passes first: it is counted, delayed by the configured latency,
 * failed if a failure is queued, then authenticated ({@link BearerIdentity}) and matched against
 * the {@code userId} of the path ({@code me} or the caller's own address). The caller's mailbox
 * is left in the routing context.
 */
final class Gate implements Handler<RoutingContext> {

  private static final String MAILBOX = "gmail.sandbox.mailbox";
  private static final String METHOD_OVERRIDE = "X-HTTP-Method-Override";

  private final Mailboxes mailboxes;
  private final CallCounts calls = new CallCounts();
  private final FaultInjection faults = new FaultInjection();

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

  void failAfter(int skip, int count, int code, String reason, Duration retryAfter) {
    faults.failAfter(skip, count, new FaultInjection.Fault(code, reason, retryAfter));
  }

  void latency(Duration latency) {
    faults.latency(latency);
  }

  int calls(String method, String pathSuffix) {
    return calls.calls(method, pathSuffix);
  }

  @Override
  public void handle(RoutingContext ctx) {
    calls.count(method(ctx), ctx.request().path());
    faults.afterLatency(ctx, () -> admit(ctx));
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
    return faults.next().map(fault -> {
      Map<String, String> headers = new HashMap<>();
      if (fault.retryAfter() != null) {
        headers.put("Retry-After", Long.toString(Math.max(0, fault.retryAfter().toSeconds())));
      }
      return GmailException.injected(fault.status(), fault.code(), headers);
    });
  }
}
