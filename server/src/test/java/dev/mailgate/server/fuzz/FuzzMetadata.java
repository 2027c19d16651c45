package dev.mailgate.server.fuzz;

import dev.mailgate.server.fuzz.RawGrpcClient.Header;
import dev.mailgate.server.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Request metadata: mostly a valid tenant and key (so calls get deep), otherwise x-tenant-id,
 * authorization and x-request-id that are missing, empty, long, NUL-laden, invalid UTF-8, repeated
 * hundreds of times, or another tenant's; plus odd gRPC headers (timeouts, encodings).
 */
final class FuzzMetadata {

  /** The headers of one call, and whether HTTP/2 itself forbids them (RFC 9113 §8.2.1) or they are oversized. */
  record Headers(List<Header> headers, boolean valid) {
    boolean malformedOrOversized() {
      int total = 0;
      for (Header header : headers) {
        total += header.name().length() + header.value().length + 32;
        byte[] v = header.value();
        for (byte b : v) {
          if (b == 0 || b == '\r' || b == '\n') {
            return true;
          }
        }
        if (v.length > 0 && (v[0] == ' ' || v[0] == '\t' || v[v.length - 1] == ' ' || v[v.length - 1] == '\t')) {
          return true;
        }
      }
      return total > 8 * 1024;
    }

    @Override
    public String toString() {
      StringBuilder text = new StringBuilder();
      for (Header header : headers) {
        String value = new String(header.value(), StandardCharsets.ISO_8859_1);
        text.append(header.name()).append('=').append(value.length() > 60
            ? value.substring(0, 60).replace("\u0000", "\\0") + "...(" + value.length() + ")"
            : value.replace("\u0000", "\\0")).append("; ");
      }
      return text.toString();
    }
  }

  private FuzzMetadata() {}

  static List<Header> acme() {
    return List.of(Header.of("x-tenant-id", "acme"), Header.of("authorization", "Bearer " + TestGateway.ACME_KEY));
  }

  /** Valid acme credentials most of the time, fuzzed metadata otherwise. */
  static Arbitrary<Headers> any() {
    return Arbitraries.frequencyOf(Tuple.of(6, valid()), Tuple.of(1, fuzzed()));
  }

  static Arbitrary<Headers> valid() {
    return requestId().map(id -> {
      List<Header> headers = new ArrayList<>(acme());
      id.ifPresent(headers::add);
      return new Headers(headers, true);
    });
  }

  static Arbitrary<Headers> fuzzed() {
    return Combinators.combine(
        header("x-tenant-id", Arbitraries.of("acme", "globex", "ACME", "acme ", " acme", "unknown", "../acme", "acme\u0000",
            "*", "acme,globex")),
        header("authorization", Arbitraries.of("Bearer " + TestGateway.ACME_KEY, "Bearer " + TestGateway.GLOBEX_KEY,
            "bearer " + TestGateway.ACME_KEY, "Bearer  " + TestGateway.ACME_KEY + " ", "Bearer", "Bearer ", "Basic YTpi",
            TestGateway.ACME_KEY, "Bearer " + TestGateway.ACME_KEY.toUpperCase(), "Bearer " + TestGateway.ACME_KEY + "\u0000")),
        requestId(),
        extra().list().ofMaxSize(3))
        .as((tenant, authorization, id, extra) -> {
          List<Header> headers = new ArrayList<>();
          headers.addAll(tenant);
          headers.addAll(authorization);
          id.ifPresent(headers::add);
          extra.forEach(headers::addAll);
          return new Headers(headers, false);
        });
  }

  /** A header absent, once with a nice or junk value, or repeated up to 300 times. */
  private static Arbitrary<List<Header>> header(String name, Arbitrary<String> nice) {
    Arbitrary<byte[]> value = Arbitraries.frequencyOf(
        Tuple.of(4, nice.map(s -> s.getBytes(StandardCharsets.ISO_8859_1))),
        Tuple.of(3, junk()));
    Arbitrary<List<Header>> once = value.map(v -> List.of(new Header(name, v)));
    Arbitrary<List<Header>> repeated = Combinators.combine(value, Arbitraries.integers().between(2, 300))
        .as((v, times) -> Collections.nCopies(times, new Header(name, v)));
    Arbitrary<List<Header>> varied = value.list().ofMinSize(2).ofMaxSize(20)
        .map(vs -> vs.stream().map(v -> new Header(name, v)).toList());
    return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(List.of())), Tuple.of(8, once), Tuple.of(1, repeated),
        Tuple.of(1, varied));
  }

  /** Header values no grpc-java client would send: empty, long, NUL, CR/LF, bytes above 0x7F. */
  static Arbitrary<byte[]> junk() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(new byte[0])),
        Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(40)),
        Tuple.of(2, Arbitraries.bytes().between((byte) 0x80, (byte) 0xFF).array(byte[].class).ofMinSize(1).ofMaxSize(40)),
        Tuple.of(1, Arbitraries.of("\u0000", "a\u0000b", "Bearer \u0000", "\r\nx-tenant-id: globex", "\t", "\u007f")
            .map(s -> s.getBytes(StandardCharsets.ISO_8859_1))),
        Tuple.of(1, Arbitraries.integers().between(100, 20_000).map(n -> "a".repeat(n).getBytes(StandardCharsets.ISO_8859_1))),
        Tuple.of(2, Arbitraries.strings().ascii().ofMaxLength(200).map(s -> s.getBytes(StandardCharsets.ISO_8859_1))));
  }

  private static Arbitrary<java.util.Optional<Header>> requestId() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(java.util.Optional.<Header>empty())),
        Tuple.of(1, Arbitraries.strings().alpha().numeric().withChars("-_.:").ofMinLength(1).ofMaxLength(128)
            .map(s -> java.util.Optional.of(Header.of("x-request-id", s)))),
        Tuple.of(1, junk().map(v -> java.util.Optional.of(new Header("x-request-id", v)))));
  }

  /** gRPC's own headers with odd values, and unknown ones. */
  private static Arbitrary<List<Header>> extra() {
    return Arbitraries.oneOf(
        Arbitraries.of("0n", "1n", "99999999H", "-1S", "abc", "", "1", "100000000S", "5m", "2S")
            .map(v -> List.of(Header.of("grpc-timeout", v))),
        Arbitraries.of("gzip", "identity", "deflate", "snappy", "br", "")
            .map(v -> List.of(Header.of("grpc-encoding", v))),
        Arbitraries.of("application/grpc+proto", "application/grpc+json", "application/grpc-web",
                "application/grpc;charset=x", "application/grpcx")
            .map(v -> List.of(Header.of("content-type", v))),
        Combinators.combine(Arbitraries.strings().withCharRange('a', 'z').withChars("-").ofMinLength(1).ofMaxLength(30),
            junk()).as((name, v) -> List.of(new Header("x-" + name, v))),
        junk().map(v -> List.of(new Header("x-anything-bin", v))));
  }
}
