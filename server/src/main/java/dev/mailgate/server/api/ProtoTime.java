package dev.mailgate.server.api;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** Instant to {@code google.protobuf.Timestamp}. */
final class ProtoTime {

  private ProtoTime() {}

  static Timestamp of(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }
}
