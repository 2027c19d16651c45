package dev.mailgate.loadgen;

import io.vertx.core.Future;

/**
 * One thing to put load on. {@link #call()} is invoked on the engine's event loop and completes
 * (never fails) with the call's status name: {@value #OK} is the only success.
 */
public interface LoadTarget extends AutoCloseable {

  String OK = "OK";

  /** A short name for tables and JSON: "gateway", "direct". */
  String name();

  /** Issues one call; the future completes with its status name once the whole response is in. */
  Future<String> call();

  @Override
  void close() throws Exception;
}
