package dev.mailgate.server.store;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The kind of mailbox behind a connection. Its {@code name} is exactly the text stored in the
 * {@code provider} column of {@code connections} and {@code oauth_states} (whose CHECK constraint
 * lists the kinds a database accepts): {@link #name()} writes it and {@link #stored(String)} reads
 * it back, with no other translation. The gateway's own kinds are the constants below; a new
 * provider declares its kind in its own package ({@code new ProviderKind("YAHOO")}) and is found
 * through the provider registry, so nothing here changes for it.
 *
 * @param name the stored name: upper-case letters, digits and '_'
 */
public record ProviderKind(String name) {

  private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,31}");

  public static final ProviderKind GMAIL = new ProviderKind("GMAIL");
  public static final ProviderKind OUTLOOK = new ProviderKind("OUTLOOK");
  public static final ProviderKind IMAP = new ProviderKind("IMAP");

  public ProviderKind {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a provider kind is upper-case letters, digits and '_': " + name);
    }
  }

  /** The kind a {@code provider} column holds. */
  public static ProviderKind stored(String text) {
    return new ProviderKind(text);
  }

  /** The lower-case name used in configuration keys ({@code gmail.token=...}) and messages. */
  public String key() {
    return name.toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return name;
  }
}
