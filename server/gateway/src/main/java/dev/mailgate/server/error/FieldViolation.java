package dev.mailgate.server.error;

/** One invalid request field: its name (as in the proto) and what is wrong with it. */
public record FieldViolation(String field, String description) {}
