package dev.mailgate.server.fuzz;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import io.grpc.Channel;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The methods the gateway serves, learnt from its own reflection service the way grpcurl learns
 * them, so an RPC added to the server is fuzzed without touching the fuzz test.
 */
final class ServiceCatalogue {

  private ServiceCatalogue() {}

  /** Every method of every service the gateway lists whose name starts with {@code prefix}. */
  static List<Descriptors.MethodDescriptor> methods(Channel channel, String prefix) throws Exception {
    LinkedBlockingQueue<Object> answers = new LinkedBlockingQueue<>();
    StreamObserver<ServerReflectionRequest> questions = ServerReflectionGrpc.newStub(channel)
        .serverReflectionInfo(new StreamObserver<>() {
          public void onNext(ServerReflectionResponse value) {
            answers.add(value);
          }

          public void onError(Throwable t) {
            answers.add(t);
          }

          public void onCompleted() {
            answers.add("completed");
          }
        });
    Map<String, FileDescriptorProto> files = new HashMap<>();
    Map<String, Descriptors.FileDescriptor> built = new HashMap<>();
    List<Descriptors.MethodDescriptor> methods = new ArrayList<>();
    try {
      var services = ask(questions, answers, ServerReflectionRequest.newBuilder().setListServices("").build())
          .getListServicesResponse().getServiceList();
      for (var service : services) {
        if (!service.getName().startsWith(prefix)) {
          continue;
        }
        var answer = ask(questions, answers,
            ServerReflectionRequest.newBuilder().setFileContainingSymbol(service.getName()).build());
        String first = null;
        for (var bytes : answer.getFileDescriptorResponse().getFileDescriptorProtoList()) {
          FileDescriptorProto file = FileDescriptorProto.parseFrom(bytes);
          files.putIfAbsent(file.getName(), file);
          first = first == null ? file.getName() : first;
        }
        Descriptors.FileDescriptor file = build(first, files, built);
        String simpleName = service.getName().substring(service.getName().lastIndexOf('.') + 1);
        methods.addAll(file.findServiceByName(simpleName).getMethods());
      }
    } finally {
      questions.onCompleted();
    }
    return methods;
  }

  private static ServerReflectionResponse ask(StreamObserver<ServerReflectionRequest> questions,
      LinkedBlockingQueue<Object> answers, ServerReflectionRequest question) throws Exception {
    questions.onNext(question);
    Object answer = answers.poll(10, TimeUnit.SECONDS);
    if (!(answer instanceof ServerReflectionResponse response)) {
      throw new IllegalStateException("reflection answered " + answer);
    }
    return response;
  }

  private static Descriptors.FileDescriptor build(String name, Map<String, FileDescriptorProto> files,
      Map<String, Descriptors.FileDescriptor> built) throws Descriptors.DescriptorValidationException {
    Descriptors.FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto proto = files.get(name);
    if (proto == null) {
      throw new IllegalStateException("reflection did not send " + name);
    }
    List<Descriptors.FileDescriptor> dependencies = new ArrayList<>();
    for (String dependency : proto.getDependencyList()) {
      dependencies.add(build(dependency, files, built));
    }
    Descriptors.FileDescriptor file = Descriptors.FileDescriptor.buildFrom(proto,
        dependencies.toArray(Descriptors.FileDescriptor[]::new));
    built.put(name, file);
    return file;
  }
}
