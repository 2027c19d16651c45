package dev.mailgate.server.provider.imap;

import dev.mailgate.server.OutboundTimeouts;
import dev.mailgate.server.egress.EgressGuard;
import dev.mailgate.server.egress.EgressPolicy;
import dev.mailgate.server.egress.EgressRefusedException;
import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.error.Reason;
import dev.mailgate.server.mail.MailboxCredential;
import dev.mailgate.server.mail.ProviderUnauthorizedException;
import dev.mailgate.server.BlockingPool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FolderClosedException;
import jakarta.mail.FolderNotFoundException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.StoreClosedException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.iap.ConnectionException;

/**
 * Runs blocking Jakarta Mail work on a bounded, named worker pool (never on an event loop) and
 * turns its failures into gateway reasons: a refused login asks for re-authorization
 * ({@link ProviderUnauthorizedException}); a pooled connection that turns out dropped is reopened
 * once and the call run again; unreachable servers and TLS failures are PROVIDER_UNAVAILABLE.
 * No message built here holds a password or server response text.
 */
final class ImapCalls {

  /** Blocking work on a mailbox's IMAP connection. */
  @FunctionalInterface
  interface Call<T> {
    T run(ImapConnection connection) throws Exception;
  }

  private static final Duration RETRY_DELAY = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final BlockingPool workers;
  private final ImapConnections connections;
  private final OutboundTimeouts timeouts;
  private final EgressPolicy egress;

  ImapCalls(Vertx vertx, int threads, int queue, ImapConnections connections, OutboundTimeouts timeouts,
      EgressPolicy egress) {
    this.vertx = vertx;
    this.workers = new BlockingPool(vertx, "mailgate-imap", threads, queue);
    this.connections = connections;
    this.timeouts = timeouts;
    this.egress = egress;
  }

  /** The egress policy as it applies to this mailbox's tenant. */
  EgressGuard guard(MailboxCredential mailbox) {
    return egress.forTenant(mailbox.egress());
  }

  /** The timeouts every IMAP and SMTP connection of these calls uses. */
  OutboundTimeouts timeouts() {
    return timeouts;
  }

  /** IMAP work on the mailbox's pooled connection, run once more on a new connection if the pooled one dropped. */
  <T> Future<T> imap(MailboxCredential mailbox, Call<T> call) {
    return blocking("the IMAP server", () -> withReconnect(mailbox, call));
  }

  /**
   * Other blocking work (SMTP, login checks); {@code server} names the server in failure
   * messages. Refused at once if the pool's queue is full; the caller waits at most the total
   * outbound timeout (each socket operation is bounded by the same timeout, see {@link ImapSettings}).
   */
  <T> Future<T> blocking(String server, Callable<T> work) {
    return timeouts.bound(vertx, workers.run(work), server)
        .recover(failure -> Future.failedFuture(translate(failure, server)));
  }

  private <T> T withReconnect(MailboxCredential mailbox, Call<T> call) throws Exception {
    ImapSettings settings = settingsOf(mailbox);
    String login = settings.login(mailbox.emailAddress());
    EgressGuard guard = guard(mailbox);
    ImapConnection first = connections.open(settings, login, mailbox.credential(), guard);
    try {
      return call.run(first);
    } catch (Exception e) {
      if (!isConnectionFailure(e)) {
        throw e;
      }
      first.discard();
      if (!first.reused()) {
        throw e;
      }
    } finally {
      first.close();
    }
    ImapConnection second = connections.open(settings, login, mailbox.credential(), guard);
    try {
      return call.run(second);
    } catch (Exception e) {
      if (isConnectionFailure(e)) {
        second.discard();
      }
      throw e;
    } finally {
      second.close();
    }
  }

  static ImapSettings settingsOf(MailboxCredential mailbox) {
    try {
      return ImapSettings.fromMap(mailbox.settings());
    } catch (IllegalArgumentException e) {
      throw new GatewayException(Reason.INTERNAL, "the connection's IMAP settings are incomplete");
    }
  }

  /** Jakarta Mail's failure to the gateway's: a {@link GatewayException} or {@link ProviderUnauthorizedException}. */
  static RuntimeException translate(Throwable failure, String server) {
    if (failure instanceof GatewayException || failure instanceof ProviderUnauthorizedException
        || failure instanceof dev.mailgate.server.mail.SendClaim.Abandoned) {
      return (RuntimeException) failure;
    }
    if (causedBy(failure, EgressRefusedException.class)) {
      return new GatewayException(Reason.PROVIDER_UNAVAILABLE,
          server + " has an address this gateway does not connect to (see the tenant's egress.allow)");
    }
    if (failure instanceof AuthenticationFailedException refused) {
      return isTemporary(refused) ? unavailable(server + " cannot log in right now") : new ProviderUnauthorizedException();
    }
    if (failure instanceof FolderNotFoundException) {
      return new GatewayException(Reason.MESSAGE_NOT_FOUND, "the folder was not found");
    }
    if (failure instanceof SendFailedException refused && refused.getInvalidAddresses() != null
        && refused.getInvalidAddresses().length > 0) {
      return GatewayException.invalid(List.of(new FieldViolation("content",
          "the SMTP server refused the recipients " + String.join(", ",
              Arrays.stream(refused.getInvalidAddresses()).map(Address::toString).toList()))));
    }
    if (causedBy(failure, SSLException.class) || causedBy(failure, GeneralSecurityException.class)) {
      return unavailable("TLS with " + server + " failed");
    }
    if (isConnectionFailure(failure)) {
      return unavailable(server + " is unreachable or dropped the connection");
    }
    // The server said no (STARTTLS it does not offer, a command it rejects): its doing, not a gateway bug.
    if (failure instanceof SendFailedException) {
      return unavailable("the SMTP server refused the message");
    }
    if (failure instanceof MessagingException) {
      return unavailable(server + " refused the request");
    }
    return new GatewayException(Reason.INTERNAL, "unexpected failure talking to " + server);
  }

  /** A login refused for now, not for its credentials (RFC 5530 UNAVAILABLE, INUSE, LIMIT; SMTP 454). */
  private static boolean isTemporary(AuthenticationFailedException refused) {
    String response = refused.getMessage() == null ? "" : refused.getMessage().toUpperCase(Locale.ROOT);
    return response.contains("[UNAVAILABLE]") || response.contains("[INUSE]") || response.contains("[LIMIT]")
        || response.startsWith("454");
  }

  /** A dropped, closed or unreachable connection (worth one reconnect when it was a pooled one). */
  static boolean isConnectionFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t.getClass().getSimpleName().equals("DecodingException") || t instanceof EgressRefusedException) {
        return false;
      }
      if (t instanceof StoreClosedException || t instanceof FolderClosedException || t instanceof ConnectionException
          || t instanceof IOException) {
        return true;
      }
      if (t instanceof IllegalStateException && t.getMessage() != null
          && (t.getMessage().contains("Not connected") || t.getMessage().contains("closed"))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static GatewayException unavailable(String message) {
    return GatewayException.retryable(Reason.PROVIDER_UNAVAILABLE, message, RETRY_DELAY, null);
  }

  Future<Void> close() {
    return workers.close();
  }
}
