package dev.mailgate.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import dev.mailgate.server.testing.GatewayExtension;
import dev.mailgate.server.testing.TestGateway;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Health and reflection answer with no tenant metadata, on the same port as the API. */
class HealthAndReflectionTest {

  private static final List<String> API = List.of("mailgate.v1.UserService", "mailgate.v1.ConnectionService",
      "mailgate.v1.MailService", "mailgate.v1.ReportService", "mailgate.v1.WebhookService",
      "mailgate.v1.AuditService");

  @RegisterExtension
  static final GatewayExtension gateway = new GatewayExtension();

  @Test
  void healthIsServingWithoutCredentials() {
    HealthCheckResponse response = HealthGrpc.newBlockingStub(gateway.get().channel())
        .check(HealthCheckRequest.newBuilder().setService("").build());
    assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(HealthGrpc.newBlockingStub(gateway.get().channel())
        .check(HealthCheckRequest.newBuilder().setService("mailgate.v1.UserService").build()).getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void plainHttpHealthzSharesThePort() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.get().port() + "/healthz")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("SERVING");
  }

  @Test
  void reflectionV1ListsAndDescribesEveryService() throws Exception {
    Reflection reflection = new Reflection(
        ServerReflectionGrpc.newStub(gateway.get().channel()).serverReflectionInfo(new Reflection.Responses()));
    assertThat(reflection.listServices()).containsAll(API)
        .contains("grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");
    // As grpcurl does: several questions on one stream, then build real descriptors from the answers.
    for (String service : API) {
      Descriptors.FileDescriptor file = reflection.resolve(service);
      Descriptors.ServiceDescriptor descriptor = file.findServiceByName(service.substring("mailgate.v1.".length()));
      assertThat(descriptor).as(service).isNotNull();
      assertThat(descriptor.getMethods()).isNotEmpty();
    }
    assertThat(reflection.error("mailgate.v1.NoSuchThing")).isEqualTo(5);
    reflection.close();
  }

  @Test
  void reflectionV1AlphaAnswersForOlderClients() throws Exception {
    var responses = new LinkedBlockingQueue<io.grpc.reflection.v1alpha.ServerReflectionResponse>();
    var done = new CompletableFuture<Void>();
    StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests =
        io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(gateway.get().channel()).serverReflectionInfo(
            new StreamObserver<>() {
              public void onNext(io.grpc.reflection.v1alpha.ServerReflectionResponse value) {
                responses.add(value);
              }

              public void onError(Throwable t) {
                done.completeExceptionally(t);
              }

              public void onCompleted() {
                done.complete(null);
              }
            });
    requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build());
    var list = responses.poll(10, TimeUnit.SECONDS);
    assertThat(list.getListServicesResponse().getServiceList())
        .extracting(s -> s.getName()).containsAll(API);
    requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder()
        .setFileContainingSymbol("mailgate.v1.UserService.CreateUser").build());
    var file = responses.poll(10, TimeUnit.SECONDS);
    List<String> names = new ArrayList<>();
    for (var bytes : file.getFileDescriptorResponse().getFileDescriptorProtoList()) {
      names.add(FileDescriptorProto.parseFrom(bytes).getName());
    }
    assertThat(names).contains("mailgate/v1/user_service.proto", "google/protobuf/empty.proto");
    requests.onCompleted();
    done.get(10, TimeUnit.SECONDS);
  }

  /** A minimal grpcurl-style reflection client over one v1 stream. */
  private static final class Reflection {
    private final StreamObserver<ServerReflectionRequest> requests;
    private final Map<String, FileDescriptorProto> files = new HashMap<>();

    Reflection(StreamObserver<ServerReflectionRequest> requests) {
      this.requests = requests;
    }

    static final class Responses implements StreamObserver<ServerReflectionResponse> {
      static final LinkedBlockingQueue<Object> QUEUE = new LinkedBlockingQueue<>();

      public void onNext(ServerReflectionResponse value) {
        QUEUE.add(value);
      }

      public void onError(Throwable t) {
        QUEUE.add(t);
      }

      public void onCompleted() {
        QUEUE.add("completed");
      }
    }

    ServerReflectionResponse ask(ServerReflectionRequest request) throws Exception {
      requests.onNext(request);
      Object answer = Responses.QUEUE.poll(10, TimeUnit.SECONDS);
      assertThat(answer).isInstanceOf(ServerReflectionResponse.class);
      return (ServerReflectionResponse) answer;
    }

    List<String> listServices() throws Exception {
      return ask(ServerReflectionRequest.newBuilder().setListServices("").build())
          .getListServicesResponse().getServiceList().stream().map(s -> s.getName()).toList();
    }

    int error(String symbol) throws Exception {
      return ask(ServerReflectionRequest.newBuilder().setFileContainingSymbol(symbol).build())
          .getErrorResponse().getErrorCode();
    }

    Descriptors.FileDescriptor resolve(String symbol) throws Exception {
      ServerReflectionResponse answer = ask(ServerReflectionRequest.newBuilder().setFileContainingSymbol(symbol).build());
      String first = null;
      for (var bytes : answer.getFileDescriptorResponse().getFileDescriptorProtoList()) {
        FileDescriptorProto file = FileDescriptorProto.parseFrom(bytes);
        files.put(file.getName(), file);
        first = first == null ? file.getName() : first;
      }
      return build(first);
    }

    private Descriptors.FileDescriptor build(String name) throws Exception {
      FileDescriptorProto proto = files.get(name);
      if (proto == null) {
        ServerReflectionResponse answer = ask(ServerReflectionRequest.newBuilder().setFileByFilename(name).build());
        proto = FileDescriptorProto.parseFrom(answer.getFileDescriptorResponse().getFileDescriptorProto(0));
        files.put(name, proto);
      }
      List<Descriptors.FileDescriptor> dependencies = new ArrayList<>();
      for (String dependency : proto.getDependencyList()) {
        dependencies.add(build(dependency));
      }
      return Descriptors.FileDescriptor.buildFrom(proto, dependencies.toArray(Descriptors.FileDescriptor[]::new));
    }

    void close() throws Exception {
      requests.onCompleted();
      assertThat(Responses.QUEUE.poll(10, TimeUnit.SECONDS)).isEqualTo("completed");
    }
  }
}
