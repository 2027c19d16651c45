package dev.mailgate.server.tenant;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A value made asynchronously on first use and then reused. Concurrent first calls share one
 * making; a failed making is forgotten so that the next call tries again.
 */
final class Lazy<T> {

  private final Supplier<Future<T>> factory;
  private final AtomicReference<Future<T>> value = new AtomicReference<>();

  Lazy(Supplier<Future<T>> factory) {
    this.factory = factory;
  }

  Future<T> get() {
    Future<T> current = value.get();
    if (current != null) {
      return current;
    }
    Promise<T> promise = Promise.promise();
    if (!value.compareAndSet(null, promise.future())) {
      return value.get();
    }
    factory.get().onComplete(ar -> {
      if (ar.failed()) {
        value.compareAndSet(promise.future(), null);
      }
      promise.handle(ar);
    });
    return promise.future();
  }

  /** Forgets the current value (if it is not being made right now) and makes a new one. */
  Future<T> remake(Future<T> stale) {
    value.compareAndSet(stale, null);
    return get();
  }

  /** Releases the value if it was made. */
  Future<Void> close(Function<T, Future<Void>> closer) {
    Future<T> current = value.getAndSet(null);
    return current == null
        ? Future.succeededFuture()
        : current.transform(ar -> ar.succeeded() ? closer.apply(ar.result()) : Future.succeededFuture());
  }
}
