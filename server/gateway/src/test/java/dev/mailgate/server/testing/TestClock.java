package dev.mailgate.server.testing;

import dev.mailgate.server.sandbox.HeaderBlock;
import jakarta.mail.internet.MailDateFormat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The provider sandboxes' clock in tests: the wall clock plus however far the test has moved it
 * on with {@link #advance}, so a test gets distinct timestamps (the providers keep whole seconds)
 * without sleeping. It never runs behind the wall clock, so what the sandboxes stamp is never
 * older than mail dated by the wall clock meanwhile (a Date header written by the gateway, an
 * IMAP server's arrival time).
 */
public final class TestClock extends Clock {

  private final AtomicLong aheadNanos = new AtomicLong();

  /** Moves the clock on by {@code step}: what is stamped from now on is at least that much newer. */
  public void advance(Duration step) {
    aheadNanos.addAndGet(step.toNanos());
  }

  /** Moves the clock on by one second, the providers' resolution: the next stamp is in a later second. */
  public void tick() {
    advance(Duration.ofSeconds(1));
  }

  /**
   * The message with its Date header set to this clock's now: the sandboxes (and
   * {@link TestGateway#deliverImap}) date delivered mail by its Date header.
   */
  public byte[] dated(byte[] rfc822) {
    String date = "Date: " + new MailDateFormat().format(Date.from(instant()));
    return HeaderBlock.rewrite(rfc822, Set.of("date"), List.of(date));
  }

  @Override
  public Instant instant() {
    return Instant.now().plusNanos(aheadNanos.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the sandboxes' clock stays in UTC");
  }
}
