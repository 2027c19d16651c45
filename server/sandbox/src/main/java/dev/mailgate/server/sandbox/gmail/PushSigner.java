package dev.mailgate.server.sandbox.gmail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Signs the OIDC tokens Pub/Sub puts on authenticated push requests (RS256, issuer
 * {@code https://accounts.google.com}, the subscription's audience and service account), and
 * publishes the key as Google does: X.509 PEM certificates by key id ({@code /oauth2/v1/certs},
 * what google-api-client's GooglePublicKeysManager reads) and a JWKS ({@code /oauth2/v3/certs}).
 * The key pair is the sandbox's own, shipped with it (push-signer.p12): it signs nothing but
 * sandbox pushes.
 */
final class PushSigner {

  static final String ISSUER = "https://accounts.google.com";
  /** The service account the sandbox's push subscription authenticates as. */
  static final String SERVICE_ACCOUNT = "gmail-push@mailgate-sandbox.iam.gserviceaccount.com";
  private static final String SERVICE_ACCOUNT_ID = "104857600000000000001";
  /** The unique id ({@code sub}, {@code azp}) of any other service account a test names. */
  private static final String OTHER_ACCOUNT_ID = "104857600000000000002";
  private static final String KEY_STORE = "push-signer.p12";
  private static final char[] KEY_STORE_PASSWORD = "sandbox-only".toCharArray();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private final PrivateKey key;
  private final X509Certificate certificate;
  private final String keyId;

  private PushSigner(PrivateKey key, X509Certificate certificate, String keyId) {
    this.key = key;
    this.certificate = certificate;
    this.keyId = keyId;
  }

  /** The sandbox's signer, from its key store. */
  static PushSigner load() {
    try (InputStream in = PushSigner.class.getResourceAsStream(KEY_STORE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + KEY_STORE);
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, KEY_STORE_PASSWORD);
      String alias = store.aliases().nextElement();
      X509Certificate certificate = (X509Certificate) store.getCertificate(alias);
      PrivateKey key = (PrivateKey) store.getKey(alias, KEY_STORE_PASSWORD);
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded());
      return new PushSigner(key, certificate, HexFormat.of().formatHex(digest));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the push signing key", e);
    }
  }

  /** A push token for {@code audience}, issued at {@code issuedAt}, expiring at {@code expiry}. */
  String token(String audience, Instant issuedAt, Instant expiry) {
    return token(audience, SERVICE_ACCOUNT, true, issuedAt, expiry);
  }

  /** As {@link #token(String, Instant, Instant)}, naming {@code serviceAccount}, verified or not. */
  String token(String audience, String serviceAccount, boolean emailVerified, Instant issuedAt, Instant expiry) {
    JsonObject header = new JsonObject().put("alg", "RS256").put("kid", keyId).put("typ", "JWT");
    String accountId = SERVICE_ACCOUNT.equals(serviceAccount) ? SERVICE_ACCOUNT_ID : OTHER_ACCOUNT_ID;
    JsonObject claims = new JsonObject()
        .put("aud", audience)
        .put("azp", accountId)
        .put("email", serviceAccount)
        .put("email_verified", emailVerified)
        .put("exp", expiry.getEpochSecond())
        .put("iat", issuedAt.getEpochSecond())
        .put("iss", ISSUER)
        .put("sub", accountId);
    String signingInput = encode(header) + "." + encode(claims);
    try {
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initSign(key);
      rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + B64URL.encodeToString(rs256.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a push token", e);
    }
  }

  /** {@code /oauth2/v1/certs}: key id to PEM certificate. */
  JsonObject pemCertificates() {
    try {
      String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(certificate.getEncoded());
      return new JsonObject().put(keyId, "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encode the push certificate", e);
    }
  }

  /** {@code /oauth2/v3/certs}: the JWKS. */
  JsonObject jwks() {
    RSAPublicKey rsa = (RSAPublicKey) certificate.getPublicKey();
    return new JsonObject().put("keys", new JsonArray().add(new JsonObject()
        .put("kty", "RSA").put("alg", "RS256").put("use", "sig").put("kid", keyId)
        .put("n", unsigned(rsa.getModulus())).put("e", unsigned(rsa.getPublicExponent()))));
  }

  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return B64URL.encodeToString(bytes);
  }

  private static String encode(JsonObject json) {
    return B64URL.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }
}
