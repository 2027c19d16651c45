package dev.mailgate.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.testing.BlockedEventLoops;
import dev.mailgate.server.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The suite's blocked-event-loop check really sees a blocked event loop. */
class BlockedEventLoopCheckTest {

  @Test
  void aBlockedEventLoopIsReported() throws Exception {
    BlockedEventLoops.watch();
    BlockedEventLoops.drain();
    Vertx vertx = Vertx.vertx(new VertxOptions()
        .setBlockedThreadCheckInterval(50).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
        .setMaxEventLoopExecuteTime(100).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    try {
      TestGateway.await(vertx.getOrCreateContext().<Void>executeBlocking(() -> null, false)); // warm up
      vertx.runOnContext(v -> {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
      });
      Thread.sleep(900);
    } finally {
      TestGateway.await(vertx.close());
    }
    assertThat(BlockedEventLoops.drain()).isNotEmpty();
  }
}
