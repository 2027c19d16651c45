package dev.mailgate.server.events;

import java.util.List;

/** The labels a LABELS_CHANGED event added to and removed from its message. */
public record LabelChanges(List<String> added, List<String> removed) {}
