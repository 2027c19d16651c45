package dev.mailgate.server.fuzz;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

/**
 * Request bodies protobuf-java never writes: invalid UTF-8 in a string field (at any depth),
 * truncated messages, wrong wire types, length prefixes longer than the data, overlong varints,
 * deep nesting, and gRPC frames whose prefix lies about the length or the compression.
 */
final class WireJunk {

  /**
   * A body and what was done to it. {@code unanswered}: Vert.x 5.0.7's deframer throws
   * ("Handle me") on a compressed-flag frame in an identity-encoded call and never ends the call;
   * only the client's deadline ends it (DEADLINE_EXCEEDED, from the gRPC layer). {@code
   * cancelsStreams}: on a streaming call (reflection) Vert.x cancels the stream when a gzip frame
   * does not decompress, before any handler sees it; grpc-java reports that as CANCELLED.
   */
  record Body(String what, byte[] framed, boolean compressedHeader, boolean unanswered, boolean cancelsStreams) {
    Body(String what, byte[] framed, boolean compressedHeader) {
      this(what, framed, compressedHeader, false, false);
    }

    Body(String what, byte[] framed, boolean compressedHeader, boolean unanswered) {
      this(what, framed, compressedHeader, unanswered, false);
    }

    @Override
    public String toString() {
      return what + " (" + framed.length + " bytes)";
    }
  }

  private static final List<byte[]> BAD_UTF8 = List.of(new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xC3, 0x28},
      new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      new byte[] {(byte) 0xC0, (byte) 0x80}, new byte[] {'a', (byte) 0xE2, (byte) 0x82});

  private WireJunk() {}

  /** A broken body for a request of {@code type}, starting from a valid encoding of it. */
  static Gen<Body> of(Descriptor type, byte[] valid) {
    Gen<Integer> kinds = Gen.integers(0, 13);
    Gen<Integer> numbers = Gen.integers(0, 1 << 20);
    Gen<byte[]> noises = Gen.bytes(0, 200);
    return random -> {
      int kind = kinds.next(random);
      int n = numbers.next(random);
      return body(type, valid, kind, n, noises.next(random));
    };
  }

  private static Body body(Descriptor type, byte[] valid, int kind, int n, byte[] noise) {
    int someField = type.getFields().isEmpty() ? 1 + n % 20 : type.getFields().get(n % type.getFields().size()).getNumber();
    return switch (kind) {
      case 0, 1 -> {
        byte[] bad = BAD_UTF8.get(n % BAD_UTF8.size());
        byte[] field = badString(type, bad, n, 0);
        yield field == null ? framed("random bytes", noise) : framed("invalid UTF-8 in a string field",
            concat(valid, field));
      }
      case 2 -> framed("truncated at " + (valid.length == 0 ? 0 : n % valid.length),
          Arrays.copyOf(valid, valid.length == 0 ? 0 : n % valid.length));
      case 3 -> framed("field " + someField + " with a wrong wire type",
          concat(valid, concat(varint(((long) someField << 3) | wrongWireType(type, someField, n)), noise)));
      case 4 -> framed("length prefix beyond the data", concat(valid,
          concat(varint(((long) someField << 3) | 2), concat(varint(1_000_000L + n), new byte[] {1, 2, 3}))));
      case 5 -> framed("an 11-byte varint", concat(valid, concat(varint((long) someField << 3),
          new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1})));
      case 6 -> framed("unknown fields nested " + (200 + n % 5000) + " deep", nested(200 + n % 5000));
      case 7 -> framed("field number 0 and 2^29", concat(valid, new byte[] {0x00, 0x01, (byte) 0xF8, -1, -1, -1, 0x0F, 0}));
      case 8 -> new Body("frame longer than its data", RawGrpcClient.frame(0, valid.length + 1 + n % 100_000, valid), false);
      case 9 -> new Body("frame shorter than its data", RawGrpcClient.frame(0, Math.max(0, valid.length - 1),
          concat(valid, noise)), false);
      case 10 -> new Body("compressed flag without grpc-encoding", RawGrpcClient.frame(1, noise.length, noise), false, true);
      case 11 -> new Body("gzip flag on data that is not gzip", RawGrpcClient.frame(1, noise.length, noise), true, false,
          true);
      case 12 -> new Body("two messages in a unary call", concat(RawGrpcClient.frame(valid), RawGrpcClient.frame(valid)),
          false);
      default -> new Body(n % 2 == 0 ? "no message at all" : "half a frame prefix",
          n % 2 == 0 ? new byte[0] : new byte[] {0, 0, 0}, false);
    };
  }

  private static Body framed(String what, byte[] message) {
    return new Body(what, RawGrpcClient.frame(message), false);
  }

  /** A field holding {@code bad} as a string, in this message or nested below it; null if none can. */
  private static byte[] badString(Descriptor type, byte[] bad, int n, int depth) {
    if (depth > 4) {
      return null;
    }
    List<FieldDescriptor> fields = type.getFields();
    for (int i = 0; i < fields.size(); i++) {
      FieldDescriptor field = fields.get((n + i) % fields.size());
      if (field.getType() == FieldDescriptor.Type.STRING && (n + depth) % 3 != 0) {
        return lengthDelimited(field.getNumber(), bad);
      }
      if (field.getType() == FieldDescriptor.Type.MESSAGE) {
        byte[] inner = badString(field.getMessageType(), bad, n / 2 + i, depth + 1);
        if (inner != null) {
          return lengthDelimited(field.getNumber(), inner);
        }
      }
    }
    for (FieldDescriptor field : fields) {
      if (field.getType() == FieldDescriptor.Type.STRING) {
        return lengthDelimited(field.getNumber(), bad);
      }
    }
    return null;
  }

  private static int wrongWireType(Descriptor type, int number, int n) {
    FieldDescriptor field = type.findFieldByNumber(number);
    int right = field == null ? 0 : field.getLiteType().getWireType();
    int wrong = n % 8;
    return wrong == right ? (wrong + 1) % 8 : wrong;
  }

  private static byte[] nested(int depth) {
    byte[] inner = new byte[0];
    for (int i = 0; i < depth; i++) {
      inner = lengthDelimited(999, inner);
    }
    return inner;
  }

  private static byte[] lengthDelimited(int number, byte[] data) {
    return concat(varint(((long) number << 3) | 2), concat(varint(data.length), data));
  }

  static byte[] varint(long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
