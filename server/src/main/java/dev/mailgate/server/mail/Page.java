package dev.mailgate.server.mail;

import java.util.List;
import java.util.Optional;

/** One page of a provider listing and the provider's token for the next one. */
public record Page<T>(List<T> items, Optional<String> nextPageToken) {}
