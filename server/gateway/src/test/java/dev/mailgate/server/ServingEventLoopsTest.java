package dev.mailgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.mailgate.proto.v1.ListUsersRequest;
import dev.mailgate.proto.v1.UserServiceGrpc;
import dev.mailgate.server.testing.AccessLines;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code --event-loops 2}: one port, two HTTP server instances; client connections are spread
 * over both loops (each call's access-log line is written on the loop that served it).
 */
class ServingEventLoopsTest {

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension(Map.of(), options -> options.withEventLoops(2));

  @Test
  void connectionsAreServedOnBothEventLoops() throws Exception {
    List<ManagedChannel> channels = new ArrayList<>();
    try (AccessLines lines = new AccessLines()) {
      for (int i = 0; i < 4; i++) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", gateway.get().port()).usePlaintext()
            .build();
        channels.add(channel);
        UserServiceGrpc.newBlockingStub(channel).withInterceptors(TestGateway.acme())
            .withDeadlineAfter(10, TimeUnit.SECONDS).listUsers(ListUsersRequest.getDefaultInstance());
      }
      List<ILoggingEvent> served = lines.atLeast(4);
      assertThat(served).hasSize(4).allMatch(line -> line.getFormattedMessage().contains("status=OK"));
      assertThat(served.stream().map(ILoggingEvent::getThreadName).distinct())
          .as("event loops that served the four connections").hasSize(2)
          .allMatch(thread -> thread.startsWith("vert.x-eventloop-thread-"));
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
    }
  }
}
