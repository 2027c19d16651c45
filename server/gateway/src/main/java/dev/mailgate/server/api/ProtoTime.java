package dev.mailgate.server.api;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.util.Optional;

/** Instant to {@code google.protobuf.Timestamp} and back. */
final class ProtoTime {

  /** The range a {@code google.protobuf.Timestamp} may hold (well inside what PostgreSQL stores). */
  static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
  static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999999Z");
  static final String RANGE = "must be a time from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z"
      + " with nanos from 0 to 999999999";

  private ProtoTime() {}

  static Timestamp of(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  /** The instant of a valid timestamp; empty for one out of range (or with out-of-range nanos). */
  static Optional<Instant> instant(Timestamp timestamp) {
    if (timestamp.getNanos() < 0 || timestamp.getNanos() > 999_999_999
        || timestamp.getSeconds() < MIN.getEpochSecond() || timestamp.getSeconds() > MAX.getEpochSecond()) {
      return Optional.empty();
    }
    return Optional.of(Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()));
  }
}
