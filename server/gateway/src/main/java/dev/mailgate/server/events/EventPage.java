package dev.mailgate.server.events;

import java.util.List;

/**
 * What one read of the log found: the events after the position read from, in log order, and the
 * position to read from next. {@code expired}: the position read from is older than what retention
 * kept, so events may be missing; then there are no events and {@code next} is "now".
 */
public record EventPage(List<StoredEvent> events, LogPosition next, boolean expired) {}
