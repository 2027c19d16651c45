package dev.mailgate.server.image;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * Reads a tar archive (ustar, with PAX long names) into memory: the entries of a container image
 * tarball ({@code docker save} layout, as Jib's buildTar writes it) and of its gzipped layers.
 * Regular files only; what {@code keep} rejects is skipped, not read into memory.
 */
final class ImageTar {

  private ImageTar() {}

  static Map<String, byte[]> read(InputStream in, Predicate<String> keep) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    byte[] header = new byte[512];
    String longName = null;
    while (in.readNBytes(header, 0, 512) == 512) {
      if (isZero(header)) {
        break;
      }
      String name = field(header, 0, 100);
      String prefix = field(header, 345, 155);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
      long size = Long.parseLong(field(header, 124, 12).trim().isEmpty() ? "0" : field(header, 124, 12).trim(), 8);
      char type = (char) header[156];
      long padded = (size + 511) / 512 * 512;
      if (type == 'x') {
        longName = paxPath(in.readNBytes((int) size));
        in.skipNBytes(padded - size);
        continue;
      }
      if (longName != null) {
        name = longName;
        longName = null;
      }
      if ((type == '0' || type == 0) && keep.test(strip(name))) {
        files.put(strip(name), in.readNBytes((int) size));
        in.skipNBytes(padded - size);
      } else {
        in.skipNBytes(padded);
      }
    }
    return files;
  }

  /** The files of a gzipped layer. */
  static Map<String, byte[]> layer(byte[] gzipped, Predicate<String> keep) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      return read(in, keep);
    }
  }

  private static String strip(String name) {
    String stripped = name.startsWith("./") ? name.substring(2) : name;
    return stripped.startsWith("/") ? stripped.substring(1) : stripped;
  }

  private static String paxPath(byte[] records) {
    String text = new String(records, StandardCharsets.UTF_8);
    for (String record : text.split("\n")) {
      int space = record.indexOf(' ');
      if (space > 0 && record.startsWith("path=", space + 1)) {
        return record.substring(space + 1 + "path=".length());
      }
    }
    return null;
  }

  private static String field(byte[] header, int offset, int length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = offset; i < offset + length && header[i] != 0; i++) {
      out.write(header[i]);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
