package dev.mailgate.server.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.server.GatewayOptions;
import dev.mailgate.server.cli.TraceOptions;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TraceExportTest {

  @Test
  void spansGoToTheEndpointsTracesPath() {
    assertThat(TraceExport.to(URI.create("http://collector:4318"), 1).tracesUrl()).isEqualTo("http://collector:4318/v1/traces");
    assertThat(TraceExport.to(URI.create("https://otel.example.com/"), 1).tracesUrl())
        .isEqualTo("https://otel.example.com/v1/traces");
    assertThat(TraceExport.to(URI.create("http://collector:4318/v1/traces"), 1).tracesUrl())
        .isEqualTo("http://collector:4318/v1/traces");
  }

  @Test
  void offUnlessAnEndpointIsNamed() {
    assertThat(TraceExport.OFF.enabled()).isFalse();
    assertThat(TraceExport.to(URI.create("http://collector:4318"), 0.1).enabled()).isTrue();
  }

  @Test
  void aRatioOutsideZeroToOneOrANonHttpEndpointIsRefused() {
    assertThatThrownBy(() -> TraceExport.to(URI.create("http://collector:4318"), 1.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 0 and 1");
    assertThatThrownBy(() -> TraceExport.to(URI.create("http://collector:4318"), Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TraceExport.to(URI.create("grpc://collector:4317"), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://");
    assertThatThrownBy(() -> TraceExport.to(URI.create("http://user:secret@collector:4318"), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret");
  }

  @Test
  void serveTracesOnlyWithAnOtlpEndpoint(@TempDir Path dir) throws Exception {
    GatewayOptions options = GatewayOptions.local("127.0.0.1", 0, dir);
    assertThat(options.traces()).isEqualTo(TraceExport.OFF);
    assertThat(CommandLine.populateCommand(new TraceOptions()).applyTo(options).traces()).isEqualTo(TraceExport.OFF);

    TraceExport on = CommandLine.populateCommand(new TraceOptions(), "--otlp-endpoint", "http://collector:4318",
        "--otlp-sample-ratio", "0.25").applyTo(options).traces();
    assertThat(on.endpoint()).contains(URI.create("http://collector:4318"));
    assertThat(on.sampleRatio()).isEqualTo(0.25);
    assertThat(CommandLine.populateCommand(new TraceOptions(), "--otlp-endpoint", "http://collector:4318")
        .applyTo(options).traces().sampleRatio()).isEqualTo(TraceExport.DEFAULT_SAMPLE_RATIO);
  }
}
