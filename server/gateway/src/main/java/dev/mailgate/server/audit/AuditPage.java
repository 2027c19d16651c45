package dev.mailgate.server.audit;

import java.util.List;
import java.util.Optional;

/**
 * One page of a user's audit trail, newest first, and where the next page starts (the position of
 * the last entry returned, {@link AuditStore#position}), if there is one.
 */
public record AuditPage(List<AuditRecord> entries, Optional<String> next) {
}
