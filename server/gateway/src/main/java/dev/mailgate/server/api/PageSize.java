package dev.mailgate.server.api;

/**
 * The one page-size policy of every list call (AIP-158): {@code page_size} 0 means the method's
 * default, a negative size is INVALID_ARGUMENT on {@code page_size} (see
 * {@link FieldChecks#pageSize}), and a size above the method's maximum is treated as the maximum.
 *
 * <p>The policy is one; its numbers come in two sets, each the one the proto documents for its
 * methods: listings of the tenant's own rows (ListUsers, ListConnections) default to 50 and stop at
 * 1000; listings that are pages fetched from a mail provider (SearchMessages, ListDrafts) default
 * to 25 and stop at 500, because each result costs the provider work; ListMailboxEvents, rows of
 * the tenant's event log read in one index range, defaults to 100 and stops at 1000.
 */
enum PageSize {
  /** ListUsers and ListConnections: rows of the tenant's database. */
  TENANT_ROWS(50, 1000),
  /** SearchMessages and ListDrafts: pages the gateway fetches from the mail provider. */
  MAILBOX(25, 500),
  /** ListMailboxEvents: events of the tenant's log. */
  EVENTS(100, 1000),
  /** ListAuditEvents: entries of the tenant's audit trail, read in one index range. */
  AUDIT(100, 1000);

  private final int defaultSize;
  private final int maxSize;

  PageSize(int defaultSize, int maxSize) {
    this.defaultSize = defaultSize;
    this.maxSize = maxSize;
  }

  /** The size 0 stands for. */
  int defaultSize() {
    return defaultSize;
  }

  /** The largest page returned; larger requests are coerced to it. */
  int maxSize() {
    return maxSize;
  }

  /** The page size to use for a (non-negative, already checked) requested size. */
  int of(int requested) {
    return requested == 0 ? defaultSize : Math.min(requested, maxSize);
  }
}
