package dev.mailgate.server.testing;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Fires a unary call on an async grpc-java stub and hands back its answer as a future. */
public final class Answers {

  private Answers() {}

  public static <T> CompletableFuture<T> of(Consumer<StreamObserver<T>> call) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    call.accept(new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        answer.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        answer.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    });
    return answer;
  }
}
