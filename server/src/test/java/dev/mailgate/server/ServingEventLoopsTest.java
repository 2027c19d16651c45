package dev.mailgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mailgate.proto.v1.ListUsersRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * {@code --event-loops 2}: one port, two HTTP server instances; client connections are spread
 * over both loops (each call's access-log line is written on the loop that served it).
 */
class ServingEventLoopsTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(), options -> options.withEventLoops(2));

  @Test
  void connectionsAreServedOnBothEventLoops() throws Exception {
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    Logger access = (Logger) LoggerFactory.getLogger("mailgate.access");
    access.addAppender(lines);
    List<ManagedChannel> channels = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", gateway.get().port()).usePlaintext()
            .build();
        channels.add(channel);
        UserServiceGrpc.newBlockingStub(channel).withInterceptors(TestGateway.acme())
            .withDeadlineAfter(10, TimeUnit.SECONDS).listUsers(ListUsersRequest.getDefaultInstance());
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (lines.list.size() < 4 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(lines.list).hasSize(4).allMatch(line -> line.getFormattedMessage().contains("status=OK"));
      assertThat(lines.list.stream().map(ILoggingEvent::getThreadName).distinct())
          .as("event loops that served the four connections").hasSize(2)
          .allMatch(thread -> thread.startsWith("vert.x-eventloop-thread-"));
    } finally {
      access.detachAppender(lines);
      channels.forEach(ManagedChannel::shutdownNow);
    }
  }
}
