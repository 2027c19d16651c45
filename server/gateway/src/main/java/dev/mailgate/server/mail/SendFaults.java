package dev.mailgate.server.mail;

/**
 * A test's hook into the send path, called between the provider's answer and the database
 * commit of a send's outcome (where a crash leaves a sent message with a PENDING claim). The
 * gateway wires {@link #NONE}; only code that builds the gateway itself (a test's process) can
 * set another: no call, header or file reaches it.
 */
@FunctionalInterface
public interface SendFaults {

  SendFaults NONE = requestId -> {};

  /** Called after the provider accepted the send of {@code requestId}, before the outcome is committed. */
  void providerAccepted(String requestId);
}
