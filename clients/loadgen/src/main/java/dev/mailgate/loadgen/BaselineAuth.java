package dev.mailgate.loadgen;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The baseline server's caller check, as a user would write it: {@code x-tenant-id} must name
 * the one tenant and {@code authorization} must be {@code Bearer <its API key>}; both are compared
 * in constant time (the key as SHA-256 digests, so its length does not leak either). Anything
 * else ends the call UNAUTHENTICATED before the service sees it.
 */
final class BaselineAuth implements ServerInterceptor {

  static final Metadata.Key<String> TENANT_ID = Metadata.Key.of("x-tenant-id", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "bearer ";

  private final byte[] tenantDigest;
  private final byte[] keyDigest;

  BaselineAuth(String tenantId, String apiKey) {
    this.tenantDigest = sha256(tenantId);
    this.keyDigest = sha256(apiKey);
  }

  @Override
  public <Req, Resp> ServerCall.Listener<Req> interceptCall(ServerCall<Req, Resp> call, Metadata headers,
      ServerCallHandler<Req, Resp> next) {
    if (!allowed(headers.get(TENANT_ID), headers.get(AUTHORIZATION))) {
      call.close(Status.UNAUTHENTICATED.withDescription("invalid tenant or API key"), new Metadata());
      return new ServerCall.Listener<>() { };
    }
    return next.startCall(call, headers);
  }

  boolean allowed(String tenantId, String authorization) {
    String key = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
        ? authorization.substring(BEARER.length()).trim() : "";
    // Both digests are always compared: no early exit tells which of the two was wrong.
    boolean tenantOk = MessageDigest.isEqual(tenantDigest, sha256(tenantId == null ? "" : tenantId.trim()));
    boolean keyOk = MessageDigest.isEqual(keyDigest, sha256(key));
    return tenantOk & keyOk & !key.isEmpty();
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
