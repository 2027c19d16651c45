package dev.mailgate.client.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.testing.TestGateway;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The example runs against the real gateway and does what it says. */
class MailgateExampleTest {

  @Test
  void exampleCreatesReadsAndDecodesAnError() throws Exception {
    try (TestGateway gateway = TestGateway.start()) {
      ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext().build();
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      var example = new MailgateExample(channel, "acme", TestGateway.ACME_KEY, new PrintStream(output, true, StandardCharsets.UTF_8));
      example.run("example-user");
      example.run("example-user");
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

      assertThat(output.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
          "created user example-user",
          "user example-user has 0 connection(s)",
          "expected error: NOT_FOUND USER_NOT_FOUND",
          "user example-user already exists",
          "user example-user has 0 connection(s)",
          "expected error: NOT_FOUND USER_NOT_FOUND");
    }
  }
}
