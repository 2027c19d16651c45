package dev.mailgate.server.grpc;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors;
import io.vertx.grpc.common.CodecException;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.common.WireFormat;
import io.vertx.grpc.reflection.v1.ErrorResponse;
import io.vertx.grpc.reflection.v1.FileDescriptorResponse;
import io.vertx.grpc.reflection.v1.ListServiceResponse;
import io.vertx.grpc.reflection.v1.ServerReflectionProto;
import io.vertx.grpc.reflection.v1.ServerReflectionRequest;
import io.vertx.grpc.reflection.v1.ServerReflectionResponse;
import io.vertx.grpc.reflection.v1.ServiceResponse;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.Service;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * gRPC server reflection, served as both {@code grpc.reflection.v1} and
 * {@code grpc.reflection.v1alpha} (older grpcurl releases speak only the latter; the two are the
 * same messages on the wire). Unlike the stock Vert.x handler, one stream answers any number of
 * requests, and file answers carry the file's transitive dependencies as grpc-java's do.
 */
public final class ServerReflection implements Service {

  private static final Descriptors.ServiceDescriptor V1 =
      ServerReflectionProto.getDescriptor().findServiceByName("ServerReflection");

  private final ServiceName name;
  private final Descriptors.ServiceDescriptor descriptor;

  private ServerReflection(ServiceName name, Descriptors.ServiceDescriptor descriptor) {
    this.name = name;
    this.descriptor = descriptor;
  }

  public static ServerReflection v1() {
    return new ServerReflection(ServiceName.create(V1.getFullName()), V1);
  }

  public static ServerReflection v1alpha() {
    Descriptors.ServiceDescriptor alpha = renamePackage(ServerReflectionProto.getDescriptor(),
        "grpc.reflection.v1alpha", "grpc/reflection/v1alpha/reflection.proto").findServiceByName("ServerReflection");
    return new ServerReflection(ServiceName.create(alpha.getFullName()), alpha);
  }

  @Override
  public ServiceName name() {
    return name;
  }

  @Override
  public Descriptors.ServiceDescriptor descriptor() {
    return descriptor;
  }

  @Override
  public void bind(GrpcServer server) {
    ServiceMethod<ServerReflectionRequest, ServerReflectionResponse> method = ServiceMethod.server(
        name, "ServerReflectionInfo", GrpcMessageEncoder.encoder(), new Decoder());
    server.callHandler(method, request -> {
      boolean[] refused = {false};
      Runnable refuse = () -> {
        if (!refused[0]) {
          refused[0] = true;
          request.response().status(GrpcStatus.INVALID_ARGUMENT)
              .statusMessage("the reflection request is not a valid ServerReflectionRequest").end();
        }
      };
      request.handler(question -> {
        if (question == UNDECODABLE) {
          refuse.run();
        } else if (!refused[0]) {
          request.response().write(answer(server, question));
        }
      });
      request.invalidMessageHandler(invalid -> refuse.run());
      request.endHandler(done -> {
        if (!refused[0]) {
          request.response().end();
        }
      });
    });
  }

  /** Stands for a question whose bytes do not decode (Vert.x would cancel the stream without a status). */
  private static final ServerReflectionRequest UNDECODABLE = ServerReflectionRequest.newBuilder()
      .setHost("\u0000undecodable").build();

  /** The protobuf decoder, answering {@link #UNDECODABLE} instead of failing. */
  private static final class Decoder implements GrpcMessageDecoder<ServerReflectionRequest> {
    private final GrpcMessageDecoder<ServerReflectionRequest> protobuf =
        GrpcMessageDecoder.decoder(ServerReflectionRequest.newBuilder());

    @Override
    public ServerReflectionRequest decode(GrpcMessage message) {
      try {
        return protobuf.decode(message);
      } catch (CodecException undecodable) {
        return UNDECODABLE;
      }
    }

    @Override
    public boolean accepts(WireFormat format) {
      return protobuf.accepts(format);
    }
  }

  private static ServerReflectionResponse answer(GrpcServer server, ServerReflectionRequest request) {
    ServerReflectionResponse.Builder response = ServerReflectionResponse.newBuilder()
        .setValidHost(request.getHost())
        .setOriginalRequest(request);
    switch (request.getMessageRequestCase()) {
      case LIST_SERVICES -> {
        ListServiceResponse.Builder list = ListServiceResponse.newBuilder();
        server.services().forEach(service ->
            list.addService(ServiceResponse.newBuilder().setName(service.name().fullyQualifiedName())));
        return response.setListServicesResponse(list).build();
      }
      case FILE_BY_FILENAME -> {
        for (Descriptors.FileDescriptor file : allFiles(server)) {
          if (file.getName().equals(request.getFileByFilename())) {
            return response.setFileDescriptorResponse(withDependencies(file)).build();
          }
        }
        return error(response, GrpcStatus.NOT_FOUND, "file not found: " + request.getFileByFilename());
      }
      case FILE_CONTAINING_SYMBOL -> {
        for (Descriptors.FileDescriptor file : allFiles(server)) {
          if (declares(file, request.getFileContainingSymbol())) {
            return response.setFileDescriptorResponse(withDependencies(file)).build();
          }
        }
        return error(response, GrpcStatus.NOT_FOUND, "symbol not found: " + request.getFileContainingSymbol());
      }
      default -> {
        return error(response, GrpcStatus.NOT_FOUND, "this server declares no extensions");
      }
    }
  }

  private static ServerReflectionResponse error(ServerReflectionResponse.Builder response, GrpcStatus status, String message) {
    return response.setErrorResponse(ErrorResponse.newBuilder().setErrorCode(status.code).setErrorMessage(message)).build();
  }

  /** Every file the registered services are declared in, with all their dependencies. */
  private static Set<Descriptors.FileDescriptor> allFiles(GrpcServer server) {
    Set<Descriptors.FileDescriptor> files = new LinkedHashSet<>();
    server.services().forEach(service -> collect(service.descriptor().getFile(), files));
    return files;
  }

  private static void collect(Descriptors.FileDescriptor file, Set<Descriptors.FileDescriptor> files) {
    if (files.add(file)) {
      file.getDependencies().forEach(dependency -> collect(dependency, files));
    }
  }

  private static FileDescriptorResponse withDependencies(Descriptors.FileDescriptor file) {
    Set<Descriptors.FileDescriptor> files = new LinkedHashSet<>();
    collect(file, files);
    FileDescriptorResponse.Builder response = FileDescriptorResponse.newBuilder();
    files.forEach(f -> response.addFileDescriptorProto(f.toProto().toByteString()));
    return response.build();
  }

  private static boolean declares(Descriptors.FileDescriptor file, String symbol) {
    for (Descriptors.ServiceDescriptor service : file.getServices()) {
      if (service.getFullName().equals(symbol)
          || service.getMethods().stream().anyMatch(m -> m.getFullName().equals(symbol))) {
        return true;
      }
    }
    return file.getEnumTypes().stream().anyMatch(e -> e.getFullName().equals(symbol))
        || file.getMessageTypes().stream().anyMatch(m -> declares(m, symbol));
  }

  private static boolean declares(Descriptors.Descriptor message, String symbol) {
    return message.getFullName().equals(symbol)
        || message.getEnumTypes().stream().anyMatch(e -> e.getFullName().equals(symbol))
        || message.getNestedTypes().stream().anyMatch(m -> declares(m, symbol));
  }

  /** The v1 reflection file under the v1alpha package name, so reflection can describe itself. */
  private static Descriptors.FileDescriptor renamePackage(Descriptors.FileDescriptor v1, String pkg, String fileName) {
    String from = "." + v1.getPackage() + ".";
    String to = "." + pkg + ".";
    FileDescriptorProto.Builder file = v1.toProto().toBuilder().setName(fileName).setPackage(pkg);
    for (DescriptorProto.Builder message : file.getMessageTypeBuilderList()) {
      for (FieldDescriptorProto.Builder field : message.getFieldBuilderList()) {
        if (field.hasTypeName()) {
          field.setTypeName(field.getTypeName().replace(from, to));
        }
      }
    }
    for (ServiceDescriptorProto.Builder service : file.getServiceBuilderList()) {
      for (MethodDescriptorProto.Builder method : service.getMethodBuilderList()) {
        method.setInputType(method.getInputType().replace(from, to)).setOutputType(method.getOutputType().replace(from, to));
      }
    }
    try {
      return Descriptors.FileDescriptor.buildFrom(file.build(), v1.getDependencies().toArray(Descriptors.FileDescriptor[]::new));
    } catch (Descriptors.DescriptorValidationException e) {
      throw new IllegalStateException("cannot derive the v1alpha reflection descriptor", e);
    }
  }
}
