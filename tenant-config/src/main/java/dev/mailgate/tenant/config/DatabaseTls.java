package dev.mailgate.tenant.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How the gateway secures its connections to a tenant's database ({@code database.ssl}).
 *
 * @param mode     whether TLS is used and what is verified
 * @param rootCert the CA certificate file (PEM) that signs the server's certificate; set exactly
 *                 when {@code mode} is {@link Mode#VERIFY_FULL}
 */
public record DatabaseTls(Mode mode, Optional<Path> rootCert) {

  /** The PostgreSQL {@code sslmode} values the gateway offers. */
  public enum Mode {
    /** No TLS ({@code ssl: false}, the default). */
    DISABLE("disable"),
    /** TLS required, the server's certificate not checked ({@code ssl: true}). */
    REQUIRE("require"),
    /** TLS required, the certificate must be signed by {@code root_cert} and name the host. */
    VERIFY_FULL("verify-full");

    private final String sslmode;

    Mode(String sslmode) {
      this.sslmode = sslmode;
    }

    /** The libpq / JDBC {@code sslmode} name. */
    public String sslmode() {
      return sslmode;
    }
  }

  public static final DatabaseTls DISABLED = new DatabaseTls(Mode.DISABLE, Optional.empty());
  public static final DatabaseTls REQUIRED = new DatabaseTls(Mode.REQUIRE, Optional.empty());

  public DatabaseTls {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(rootCert, "rootCert");
    if ((mode == Mode.VERIFY_FULL) != rootCert.isPresent()) {
      throw new IllegalArgumentException("a root certificate goes with verify-full, and only with it");
    }
  }

  /** Verification of the server against {@code rootCert}. */
  public static DatabaseTls verifyFull(Path rootCert) {
    return new DatabaseTls(Mode.VERIFY_FULL, Optional.of(rootCert));
  }

  /** Whether connections use TLS at all. */
  public boolean enabled() {
    return mode != Mode.DISABLE;
  }
}
