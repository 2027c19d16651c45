package dev.mailgate.server.fuzz;

import dev.mailgate.server.fuzz.RawGrpcClient.Header;
import dev.mailgate.server.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

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
  static Gen<Headers> any() {
    return Gen.frequency(Gen.weight(6, valid()), Gen.weight(1, fuzzed()));
  }

  static Gen<Headers> valid() {
    return requestId().map(id -> {
      List<Header> headers = new ArrayList<>(acme());
      id.ifPresent(headers::add);
      return new Headers(headers, true);
    });
  }

  static Gen<Headers> fuzzed() {
    Gen<List<Header>> tenant = header("x-tenant-id", Gen.of("acme", "globex", "ACME", "acme ", " acme", "unknown",
        "../acme", "acme\u0000", "*", "acme,globex"));
    Gen<List<Header>> authorization = header("authorization", Gen.of("Bearer " + TestGateway.ACME_KEY,
        "Bearer " + TestGateway.GLOBEX_KEY, "bearer " + TestGateway.ACME_KEY, "Bearer  " + TestGateway.ACME_KEY + " ",
        "Bearer", "Bearer ", "Basic YTpi", TestGateway.ACME_KEY, "Bearer " + TestGateway.ACME_KEY.toUpperCase(),
        "Bearer " + TestGateway.ACME_KEY + "\u0000"));
    Gen<Optional<Header>> id = requestId();
    Gen<List<List<Header>>> extra = extra().list(0, 3);
    return random -> {
      List<Header> headers = new ArrayList<>();
      headers.addAll(tenant.next(random));
      headers.addAll(authorization.next(random));
      id.next(random).ifPresent(headers::add);
      extra.next(random).forEach(headers::addAll);
      return new Headers(headers, false);
    };
  }

  /** A header absent, once with a nice or junk value, or repeated up to 300 times. */
  private static Gen<List<Header>> header(String name, Gen<String> nice) {
    Gen<byte[]> value = Gen.frequency(
        Gen.weight(4, nice.map(s -> s.getBytes(StandardCharsets.ISO_8859_1))),
        Gen.weight(3, junk()));
    Gen<List<Header>> once = value.map(v -> List.of(new Header(name, v)));
    Gen<List<Header>> repeated = Gen.combine(value, Gen.integers(2, 300),
        (v, times) -> Collections.nCopies(times, new Header(name, v)));
    Gen<List<Header>> varied = value.list(2, 20).map(vs -> vs.stream().map(v -> new Header(name, v)).toList());
    return Gen.frequency(Gen.weight(2, Gen.just(List.<Header>of())), Gen.weight(8, once), Gen.weight(1, repeated),
        Gen.weight(1, varied));
  }

  /** Header values no grpc-java client would send: empty, long, NUL, CR/LF, bytes above 0x7F. */
  static Gen<byte[]> junk() {
    return Gen.frequency(
        Gen.weight(1, Gen.just(new byte[0])),
        Gen.weight(2, Gen.bytes(0, 40)),
        Gen.weight(2, Gen.bytes(1, 40, 0x80, 0xFF)),
        Gen.weight(1, Gen.of("\u0000", "a\u0000b", "Bearer \u0000", "\r\nx-tenant-id: globex", "\t", "\u007f")
            .map(s -> s.getBytes(StandardCharsets.ISO_8859_1))),
        Gen.weight(1, Gen.integers(100, 20_000).map(n -> "a".repeat(n).getBytes(StandardCharsets.ISO_8859_1))),
        Gen.weight(2, Gen.strings(Gen.ascii(), 0, 200).map(s -> s.getBytes(StandardCharsets.ISO_8859_1))));
  }

  private static Gen<Optional<Header>> requestId() {
    return Gen.frequency(
        Gen.weight(3, Gen.just(Optional.<Header>empty())),
        Gen.weight(1, Gen.strings(Gen.alphaNumeric("-_.:"), 1, 128).map(s -> Optional.of(Header.of("x-request-id", s)))),
        Gen.weight(1, junk().map(v -> Optional.of(new Header("x-request-id", v)))));
  }

  /** gRPC's own headers with odd values, and unknown ones. */
  private static Gen<List<Header>> extra() {
    return Gen.oneOf(
        Gen.of("0n", "1n", "99999999H", "-1S", "abc", "", "1", "100000000S", "5m", "2S")
            .map(v -> List.of(Header.of("grpc-timeout", v))),
        Gen.of("gzip", "identity", "deflate", "snappy", "br", "")
            .map(v -> List.of(Header.of("grpc-encoding", v))),
        Gen.of("application/grpc+proto", "application/grpc+json", "application/grpc-web",
                "application/grpc;charset=x", "application/grpcx")
            .map(v -> List.of(Header.of("content-type", v))),
        Gen.combine(Gen.strings(Gen.chars("abcdefghijklmnopqrstuvwxyz-"), 1, 30), junk(),
            (name, v) -> List.of(new Header("x-" + name, v))),
        junk().map(v -> List.of(new Header("x-anything-bin", v))));
  }
}
