package dev.mailgate.server.sandbox.graph;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Graph-shaped identifiers: opaque base64url strings with the prefixes Exchange's ids have
 * ({@code AAMk} items, {@code AQMk} folders, {@code AAQk} conversations), Exchange-style
 * Message-IDs, change keys and {@code $skiptoken}s.
 */
final class Ids {

  private static final Pattern ID = Pattern.compile("A[AQ][MQ]k[A-Za-z0-9_-]{16,}={0,2}");
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private Ids() {}

  static String messageId() {
    return "AAMkAD" + random(33) + "AAA=";
  }

  static String folderId() {
    return "AQMkAD" + random(24) + "AAA=";
  }

  static String conversationId() {
    return "AAQkAD" + random(24) + "=";
  }

  static String attachmentId() {
    return "AAMkAD" + random(33) + "BEgAQA" + random(6) + "=";
  }

  /** Whether {@code id} has the shape of a Graph id; Graph answers 400 ErrorInvalidIdMalformed for anything else. */
  static boolean isWellFormed(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** The id of the user an address stands for: a GUID, stable for the address. */
  static String userId(String address) {
    return UUID.nameUUIDFromBytes(address.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** A new Message-ID in Exchange Online's style, angle brackets included. */
  static String internetMessageId() {
    HexFormat hex = HexFormat.of().withUpperCase();
    int server = ThreadLocalRandom.current().nextInt(1000, 10000);
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return "<SA1PR12MB" + server + hex.formatHex(bytes) + "@SA1PR12MB" + server + ".namprd12.prod.outlook.com>";
  }

  static String changeKey(String id, int version) {
    byte[] seed = ByteBuffer.allocate(12).putInt(id.hashCode()).putLong(version).array();
    return "CQAAABYAAA" + Base64.getEncoder().encodeToString(seed);
  }

  static String skipToken(int offset) {
    return B64URL.encodeToString(("skip:" + offset).getBytes(StandardCharsets.US_ASCII));
  }

  /** The offset a {@code $skiptoken} stands for. */
  static int offsetOf(String skipToken) {
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(skipToken), StandardCharsets.US_ASCII);
      if (decoded.startsWith("skip:")) {
        return Math.max(0, Integer.parseInt(decoded.substring(5)));
      }
    } catch (IllegalArgumentException malformed) {
      // answered below
    }
    throw GraphException.badRequest("Invalid $skiptoken value '" + skipToken + "'.");
  }

  private static String random(int bytes) {
    byte[] value = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(value);
    return B64URL.encodeToString(value);
  }
}
