package dev.mailgate.server.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Field values that break things: empty, blank, very long, NUL, lone surrogates, path and query
 * characters, ids of other objects, and real ids and page tokens (as handed out, or mutated).
 */
final class FuzzValues {

  /** Strings that have broken parsers, URLs, SQL and MIME somewhere. */
  private static final List<String> SPECIAL = List.of("", " ", "\t", "-", "*", ".", "..", "../x", "../../me", "/", "a/b",
      "?a=b", "#frag", "%", "%2e%2e%2f", "%00", "\u0000", "a\u0000b", "\uD800", "x\uDFFF\uD800y", "\uFFFF", "\uFEFF",
      "💌", "é", "\u202Eevil", "\r\nBcc: x@example.org", "a\nb", "' OR '1'='1", "\"", "\\", "null", "true", "0", "-1",
      "2147483648", "9223372036854775808", "1e309", "NaN", "ZZZZ", "INBOX", "SENT", "TRASH", "UNREAD", "STARRED",
      "Label_1", "AAMkAD", "{\"a\":1}", "<x>", "=?utf-8?B?AAAA?=", "ada@example.org", "@", "a@", "@b", "a@b@c",
      "in:sent", "subject:\"", "from:(", "is:unread OR", "has:attachment", "before:9999/99/99", "larger:99999999999M",
      "x".repeat(129), "u".repeat(300));

  /** Host names the gateway may be asked to dial: only loopback literals and names that never reach DNS. */
  private static final List<String> HOSTS = List.of("127.0.0.1", "localhost", "::1", "[::1]", "127.1", "", " ",
      "\u0000", "127.0.0.1\u0000x", "::1:", ":::", "[", "]", "a:b", "1:2:3:4:5:6:7:8:9", "x".repeat(300) + ":",
      "127.0.0.1:143");

  private final RealValues real;

  FuzzValues(RealValues real) {
    this.real = real;
  }

  /**
   * A string for a field, knowing which real value it has in this call's context. Mild values are
   * mostly real or plausible, so a call gets past validation into the stores and providers; wild
   * values are anything.
   */
  Arbitrary<String> string(String field, Map<String, String> context, boolean wild) {
    if (field.endsWith("_host") || field.equals("host")) {
      return wild ? Arbitraries.of(HOSTS) : Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just("127.0.0.1")),
          Tuple.of(1, Arbitraries.of(HOSTS)));
    }
    if (!wild) {
      Arbitrary<String> plausible = RealValues.inContext(context, field).map(Arbitraries::just)
          .orElse(Arbitraries.frequencyOf(Tuple.of(3, realOrJunk(field)),
              Tuple.of(2, Arbitraries.strings().alpha().numeric().withChars(" .@-").ofMaxLength(30))));
      return Arbitraries.frequencyOf(Tuple.of(40, plausible), Tuple.of(1, Arbitraries.of(SPECIAL)),
          Tuple.of(1, mutated(plausible)), Tuple.of(1, Arbitraries.strings().all().ofMaxLength(20)));
    }
    List<Tuple.Tuple2<Integer, Arbitrary<? extends String>>> choices = new ArrayList<>();
    RealValues.inContext(context, field).ifPresent(value -> choices.add(Tuple.of(16, Arbitraries.just(value))));
    choices.add(Tuple.of(5, realOrJunk(field)));
    choices.add(Tuple.of(1, Arbitraries.integers().map(i -> real.pickAny(i).orElse(""))));
    choices.add(Tuple.of(3, Arbitraries.of(SPECIAL)));
    choices.add(Tuple.of(2, Arbitraries.strings().all().ofMaxLength(40)));
    choices.add(Tuple.of(1, Arbitraries.strings().ascii().ofMaxLength(300)));
    choices.add(Tuple.of(2, mutated(realOrJunk(field))));
    choices.add(Tuple.of(1, longString()));
    if (field.endsWith("token") || field.endsWith("cursor")) {
      choices.add(Tuple.of(6, token(field)));
    }
    return Arbitraries.frequencyOf(choices.toArray(Tuple.Tuple2[]::new));
  }

  /** An int for a field: edge values, small numbers, and for ports the mail server's real ones. */
  Arbitrary<Integer> int32(String field, boolean wild) {
    if (!wild && !field.endsWith("_port")) {
      return Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.integers().between(0, 50)),
          Tuple.of(1, Arbitraries.of(-1, Integer.MAX_VALUE, Integer.MIN_VALUE)));
    }
    Arbitrary<Integer> edges = Arbitraries.of(0, 1, -1, 2, 1000, 1001, Integer.MAX_VALUE, Integer.MIN_VALUE, 65_535,
        65_536);
    if (field.endsWith("_port") || field.equals("port")) {
      return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.integers().map(i -> real.pickInt(field, i).orElse(0))),
          Tuple.of(1, Arbitraries.integers().map(i -> real.pickInt("closed_port", i).orElse(1))),
          Tuple.of(2, edges));
    }
    return Arbitraries.frequencyOf(Tuple.of(3, edges), Tuple.of(2, Arbitraries.integers().between(-10, 600)),
        Tuple.of(1, Arbitraries.integers()));
  }

  Arbitrary<Long> int64() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 253_402_300_799L, 253_402_300_800L,
            -62_135_596_800L, -62_135_596_801L, 1_000_000_000L, 999_999_999L, (long) Integer.MAX_VALUE + 1)),
        Tuple.of(2, Arbitraries.longs().between(-10, 2_000_000_000L)),
        Tuple.of(1, Arbitraries.longs()));
  }

  Arbitrary<byte[]> bytes(boolean wild) {
    if (!wild) {
      return Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
    }
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)),
        Tuple.of(1, Arbitraries.of("", "%PDF-1.4", "Subject: hi\r\n\r\nbody", "\u0000").map(s -> s.getBytes(StandardCharsets.UTF_8))),
        Tuple.of(1, Arbitraries.integers().between(64 * 1024, 6 * 1024 * 1024).map(byte[]::new)));
  }

  /** Up to 3 MiB of one character (ASCII, two-byte, NUL or four-byte), so 12 MiB on the wire at most. */
  private Arbitrary<String> longString() {
    return Combinators.combine(Arbitraries.integers().between(1_000, 3 * 1024 * 1024),
        Arbitraries.of("a", "é", "\u0000", "💌", "/.."))
        .as((length, unit) -> unit.repeat(Math.max(1, length / unit.length())));
  }

  private Arbitrary<String> realOrJunk(String field) {
    return Arbitraries.integers().map(i -> real.pick(field, i).orElse("no-real-" + field));
  }

  /** A real page token as handed out, broken in one place, or a token built from scratch. */
  private Arbitrary<String> token(String field) {
    Arbitrary<String> realToken = Arbitraries.integers().map(i -> real.pick(field, i).orElse(""));
    Arbitrary<String> randomBase64 = Arbitraries.bytes().array(byte[].class).ofMaxSize(96)
        .map(b -> Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    Arbitrary<String> forged = Combinators.combine(Arbitraries.of("users", "connections", "drafts", "search", "x", ""),
            Arbitraries.strings().withChars("ab-1\u001f\u0000é").ofMaxLength(30).list().ofMaxSize(4))
        .as((kind, fields) -> Base64.getUrlEncoder().withoutPadding().encodeToString(
            (kind + "\u001f" + String.join("\u001f", fields)).getBytes(StandardCharsets.UTF_8)));
    return Arbitraries.frequencyOf(Tuple.of(3, realToken), Tuple.of(3, mutated(realToken)),
        Tuple.of(1, randomBase64), Tuple.of(2, forged),
        Tuple.of(1, realToken.map(t -> Base64.getEncoder().encodeToString(t.getBytes(StandardCharsets.UTF_8)))));
  }

  /** One small edit to a value: a flipped, dropped or added character, case, padding, path junk. */
  private static Arbitrary<String> mutated(Arbitrary<String> values) {
    return Combinators.combine(values, Arbitraries.integers().between(0, 11), Arbitraries.integers().between(0, 4096))
        .as(FuzzValues::mutate);
  }

  static String mutate(String value, int how, int where) {
    int at = value.isEmpty() ? 0 : Math.floorMod(where, value.length());
    return switch (how) {
      case 0 -> value.isEmpty() ? "x" : value.substring(0, at) + (char) (value.charAt(at) ^ 1) + value.substring(at + 1);
      case 1 -> value.isEmpty() ? "" : value.substring(0, at) + value.substring(at + 1);
      case 2 -> value.substring(0, at);
      case 3 -> value + "/../x";
      case 4 -> value.toUpperCase();
      case 5 -> value + "==";
      case 6 -> value.substring(0, at) + "\u0000" + value.substring(at);
      case 7 -> value + value;
      case 8 -> " " + value + " ";
      case 9 -> value + "?$top=1000#";
      case 10 -> value.substring(0, at) + "\uD800" + value.substring(at);
      default -> new StringBuilder(value).reverse().toString();
    };
  }
}
