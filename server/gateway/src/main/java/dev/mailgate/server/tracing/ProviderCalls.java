package dev.mailgate.server.tracing;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.mail.ProviderUnauthorizedException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.vertx.core.Future;
import io.vertx.tracing.opentelemetry.VertxContextStorageProvider.VertxContextStorage;
import java.util.function.Supplier;

/**
 * Spans of calls to providers and OAuth servers: inside a traced call, {@link #traced} makes a
 * CLIENT span ({@code gmail oauth.refresh}) under the call's span, started and ended on the calling
 * event loop around the operation's future, so it covers the wait for a worker of a blocking
 * client (Gmail, Jakarta Mail) as well as the work, and needs no context carried onto the worker.
 * Its attributes are the provider, the operation and, if it failed, the gateway reason: never a
 * mailbox, address, query, id or credential. Outside a traced call (background work, or tracing
 * off) it only runs the operation.
 */
public final class ProviderCalls {

  static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("mailgate.provider");
  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("mailgate.provider.operation");
  /** The gateway's tracer, carried in the context of a traced call ({@link CallSpans}). */
  static final ContextKey<Tracer> TRACER = ContextKey.named("mailgate-tracer");

  private ProviderCalls() {}

  /** Runs {@code call}, an operation on {@code provider} ({@code gmail}, {@code outlook}, {@code imap}). */
  public static <T> Future<T> traced(String provider, String operation, Supplier<Future<T>> call) {
    // The call's context, as CallSpans made it active on this Vert.x context (null off a Vert.x thread).
    Context parent = VertxContextStorage.INSTANCE.current();
    Tracer tracer = parent == null ? null : parent.get(TRACER);
    if (tracer == null || !Span.fromContext(parent).getSpanContext().isValid()) {
      return call.get();
    }
    Span span = tracer.spanBuilder(provider + " " + operation)
        .setParent(parent)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(PROVIDER, provider)
        .setAttribute(OPERATION, operation)
        .startSpan();
    Future<T> result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      failed(span, e);
      throw e;
    }
    return result.andThen(done -> {
      if (done.failed()) {
        failed(span, done.cause());
      } else {
        span.end();
      }
    });
  }

  private static void failed(Span span, Throwable failure) {
    String reason = failure instanceof GatewayException gateway ? gateway.reason().name()
        : failure instanceof ProviderUnauthorizedException ? "PROVIDER_UNAUTHORIZED" : failure.getClass().getSimpleName();
    span.setAttribute(CallSpans.ERROR_TYPE, reason);
    span.setStatus(StatusCode.ERROR, reason);
    span.end();
  }
}
