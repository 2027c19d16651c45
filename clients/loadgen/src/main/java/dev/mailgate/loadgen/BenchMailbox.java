package dev.mailgate.loadgen;

import java.util.Locale;

/**
 * A sandbox mailbox {@code bench events} connected through the gateway: its provider, the user
 * that owns the connection, the mailbox address and the connection id.
 */
record BenchMailbox(Kind kind, String userId, String address, String connectionId) {

  /** The three providers, as the bench names them in its tables. */
  enum Kind {
    GMAIL("Gmail", "gmail.bench.example"),
    OUTLOOK("Outlook", "outlook.bench.example"),
    IMAP("IMAP", "imap.bench.example");

    final String label;
    final String domain;

    Kind(String label, String domain) {
      this.label = label;
      this.domain = domain;
    }

    /** The mailbox address of the {@code index}th bench mailbox of this provider in a part named {@code part}. */
    String address(String part, int index) {
      return String.format(Locale.ROOT, "%s%05d@%s", part, index, domain);
    }

    /** Its user's id (one user per connection). */
    String userId(String part, int index) {
      return String.format(Locale.ROOT, "ev-%s-%s%05d", name().toLowerCase(Locale.ROOT), part, index);
    }
  }
}
