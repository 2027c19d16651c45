package dev.mailgate.server.mail;

import java.time.Duration;

/**
 * The time limits of a send claim.
 *
 * @param lease how long a claim holds: the holder gives up at its deadline (claim time + lease),
 *     and only then may another attempt take it over
 * @param callLimit the longest a provider send call may take; the holder starts one only while
 *     at least this much of the lease is left, so no send call of its outlives the deadline
 * @param waitForHolder how long a retry waits for the holder to finish before it answers
 *     SEND_IN_PROGRESS
 * @param filingWindow how long after an attempt's deadline a provider that files asynchronously
 *     (Graph) may still be filing a send it accepted; until then a sent draft that is nowhere to
 *     be seen counts as in flight, never as lost
 * @param faults where the send path stops for fault injection (tests only; {@link SendFaults#NONE} in production)
 */
public record SendPolicy(Duration lease, Duration callLimit, Duration waitForHolder, Duration filingWindow,
    SendFaults faults) {

  public static final SendPolicy DEFAULT = new SendPolicy(Duration.ofMinutes(3), Duration.ofSeconds(90),
      Duration.ofSeconds(2), Duration.ofMinutes(10), SendFaults.NONE);

  public SendPolicy {
    if (callLimit.compareTo(lease) >= 0) {
      throw new IllegalArgumentException("a send call must fit in the claim's lease");
    }
  }

  public SendPolicy withFaults(SendFaults replacement) {
    return new SendPolicy(lease, callLimit, waitForHolder, filingWindow, replacement);
  }
}
