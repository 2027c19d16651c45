package dev.mailgate.server.mail;

/** One message header, decoded. */
public record Header(String name, String value) {}
