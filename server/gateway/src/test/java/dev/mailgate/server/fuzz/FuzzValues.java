package dev.mailgate.server.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

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
  Gen<String> string(String field, Map<String, String> context, boolean wild) {
    if (field.endsWith("_host") || field.equals("host")) {
      return wild ? Gen.of(HOSTS) : Gen.frequency(Gen.weight(8, Gen.just("127.0.0.1")), Gen.weight(1, Gen.of(HOSTS)));
    }
    if (!wild) {
      Gen<String> plausible = RealValues.inContext(context, field).map(Gen::just)
          .orElse(Gen.frequency(Gen.weight(3, realOrJunk(field)),
              Gen.weight(2, Gen.strings(Gen.alphaNumeric(" .@-"), 0, 30))));
      return Gen.frequency(Gen.weight(40, plausible), Gen.weight(1, Gen.of(SPECIAL)),
          Gen.weight(1, mutated(plausible)), Gen.weight(1, Gen.strings(Gen.anyChar(), 0, 20)));
    }
    List<Gen.Weighted<String>> choices = new ArrayList<>();
    RealValues.inContext(context, field).ifPresent(value -> choices.add(Gen.weight(16, Gen.just(value))));
    choices.add(Gen.weight(5, realOrJunk(field)));
    choices.add(Gen.weight(1, Gen.integers().map(i -> real.pickAny(i).orElse(""))));
    choices.add(Gen.weight(3, Gen.of(SPECIAL)));
    choices.add(Gen.weight(2, Gen.strings(Gen.anyChar(), 0, 40)));
    choices.add(Gen.weight(1, Gen.strings(Gen.ascii(), 0, 300)));
    choices.add(Gen.weight(2, mutated(realOrJunk(field))));
    choices.add(Gen.weight(1, longString()));
    if (field.endsWith("token") || field.endsWith("cursor")) {
      choices.add(Gen.weight(6, token(field)));
    }
    return Gen.frequency(choices);
  }

  /** An int for a field: edge values, small numbers, and for ports the mail server's real ones. */
  Gen<Integer> int32(String field, boolean wild) {
    if (!wild && !field.endsWith("_port")) {
      return Gen.frequency(Gen.weight(8, Gen.integers(0, 50)),
          Gen.weight(1, Gen.of(-1, Integer.MAX_VALUE, Integer.MIN_VALUE)));
    }
    Gen<Integer> edges = Gen.of(0, 1, -1, 2, 1000, 1001, Integer.MAX_VALUE, Integer.MIN_VALUE, 65_535, 65_536);
    if (field.endsWith("_port") || field.equals("port")) {
      return Gen.frequency(Gen.weight(6, Gen.integers().map(i -> real.pickInt(field, i).orElse(0))),
          Gen.weight(1, Gen.integers().map(i -> real.pickInt("closed_port", i).orElse(1))),
          Gen.weight(2, edges));
    }
    return Gen.frequency(Gen.weight(3, edges), Gen.weight(2, Gen.integers(-10, 600)), Gen.weight(1, Gen.integers()));
  }

  Gen<Long> int64() {
    return Gen.frequency(
        Gen.weight(3, Gen.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 253_402_300_799L, 253_402_300_800L,
            -62_135_596_800L, -62_135_596_801L, 1_000_000_000L, 999_999_999L, (long) Integer.MAX_VALUE + 1)),
        Gen.weight(2, Gen.longs(-10, 2_000_000_000L)),
        Gen.weight(1, Gen.longs()));
  }

  Gen<byte[]> bytes(boolean wild) {
    if (!wild) {
      return Gen.bytes(0, 2048);
    }
    return Gen.frequency(
        Gen.weight(3, Gen.bytes(0, 64)),
        Gen.weight(1, Gen.of("", "%PDF-1.4", "Subject: hi\r\n\r\nbody", "\u0000").map(s -> s.getBytes(StandardCharsets.UTF_8))),
        Gen.weight(1, Gen.integers(64 * 1024, 6 * 1024 * 1024).map(byte[]::new)));
  }

  /** Up to 3 MiB of one character (ASCII, two-byte, NUL or four-byte), so 12 MiB on the wire at most. */
  private Gen<String> longString() {
    return Gen.combine(Gen.integers(1_000, 3 * 1024 * 1024), Gen.of("a", "é", "\u0000", "💌", "/.."),
        (length, unit) -> unit.repeat(Math.max(1, length / unit.length())));
  }

  private Gen<String> realOrJunk(String field) {
    return Gen.integers().map(i -> real.pick(field, i).orElse("no-real-" + field));
  }

  /** A real page token as handed out, broken in one place, or a token built from scratch. */
  private Gen<String> token(String field) {
    Gen<String> realToken = Gen.integers().map(i -> real.pick(field, i).orElse(""));
    Gen<String> randomBase64 = Gen.bytes(0, 96).map(b -> Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    Gen<String> forged = Gen.combine(Gen.of("users", "connections", "drafts", "search", "x", ""),
        Gen.strings(Gen.chars("ab-1\u001f\u0000é"), 0, 30).list(0, 4),
        (kind, fields) -> Base64.getUrlEncoder().withoutPadding().encodeToString(
            (kind + "\u001f" + String.join("\u001f", fields)).getBytes(StandardCharsets.UTF_8)));
    return Gen.frequency(Gen.weight(3, realToken), Gen.weight(3, mutated(realToken)),
        Gen.weight(1, randomBase64), Gen.weight(2, forged),
        Gen.weight(1, realToken.map(t -> Base64.getEncoder().encodeToString(t.getBytes(StandardCharsets.UTF_8)))));
  }

  /** One small edit to a value: a flipped, dropped or added character, case, padding, path junk. */
  private static Gen<String> mutated(Gen<String> values) {
    Gen<Integer> how = Gen.integers(0, 11);
    Gen<Integer> where = Gen.integers(0, 4096);
    return random -> {
      String value = values.next(random);
      int kind = how.next(random);
      return mutate(value, kind, where.next(random));
    };
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
