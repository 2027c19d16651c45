package dev.mailgate.server.fuzz;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.TextFormat;
import java.util.HexFormat;

/** One fuzzed call: method, metadata and body (a message, or broken wire bytes), printable for a failure report. */
record FuzzCall(MethodDescriptor method, FuzzMetadata.Headers metadata, DynamicMessage request, WireJunk.Body junk) {

  private static final int HEX_BYTES = 256;
  private static final int TEXT_CHARS = 1500;

  byte[] body() {
    return junk != null ? junk.framed() : RawGrpcClient.frame(request.toByteArray());
  }

  /** The method, the metadata, what the body is, and its first bytes in hex. */
  @Override
  public String toString() {
    String text = request == null ? "" : TextFormat.printer().escapingNonAscii(true).shortDebugString(request);
    byte[] body = body();
    String hex = HexFormat.of().formatHex(body, 0, Math.min(body.length, HEX_BYTES))
        + (body.length > HEX_BYTES ? "...(" + body.length + " bytes)" : "");
    return method.getFullName() + "\n  metadata: " + metadata
        + (junk != null ? "\n  body: " + junk : "")
        + "\n  request: " + (text.length() > TEXT_CHARS ? text.substring(0, TEXT_CHARS) + "...(" + text.length()
        + " chars)" : text)
        + "\n  framed body (hex): " + hex;
  }
}
