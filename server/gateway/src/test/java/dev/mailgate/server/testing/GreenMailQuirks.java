package dev.mailgate.server.testing;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.time.LocalTime;

/**
 * Where GreenMail, the IMAP server of the tests, is not faithful, and the tests must step around it.
 */
public final class GreenMailQuirks {

  private GreenMailQuirks() {}

  /**
   * GreenMail parses an APPEND command's date on a 12-hour clock ({@code dd-MMM-yyyy hh:mm:ss Z},
   * greenmail-mail-test/greenmail#211, open since 2017): a message appended between 12:00 and
   * 12:59 is filed twelve hours early. Real servers parse RFC 3501's 24-hour date-time. A test
   * that compares the time of a message the gateway appended (the Sent copy of a reply) with one
   * delivered around it is skipped in that hour rather than fail on the server's bug. Jakarta
   * Mail writes the date in the JVM's default time zone, as {@link LocalTime#now()} reads it.
   */
  public static void assumeAppendDatesParse() {
    assumeFalse(LocalTime.now().getHour() == 12,
        "GreenMail files messages appended between 12:00 and 12:59 twelve hours early (greenmail#211)");
  }
}
