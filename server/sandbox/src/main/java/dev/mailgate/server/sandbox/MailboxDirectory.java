package dev.mailgate.server.sandbox;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A sandbox's mailboxes by address, case-insensitive, each made on first use.
 *
 * @param <M> the sandbox's mailbox
 */
public final class MailboxDirectory<M> {

  private final ConcurrentHashMap<String, M> byAddress = new ConcurrentHashMap<>();
  private final Function<String, M> create;

  /** A directory that makes the mailbox of a (lower-case) address with {@code create}. */
  public MailboxDirectory(Function<String, M> create) {
    this.create = create;
  }

  /** The mailbox of {@code address}, made now if it does not exist yet. */
  public M open(String address) {
    return byAddress.computeIfAbsent(address.toLowerCase(Locale.ROOT), create);
  }

  /** The mailbox of {@code address} if it exists. */
  public Optional<M> existing(String address) {
    return Optional.ofNullable(byAddress.get(address.toLowerCase(Locale.ROOT)));
  }
}
