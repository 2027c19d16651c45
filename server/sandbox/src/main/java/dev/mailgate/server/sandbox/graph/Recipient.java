package dev.mailgate.server.sandbox.graph;

import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.UnsupportedEncodingException;

/**
 * Graph's {@code recipient}: {@code {"emailAddress":{"name","address"}}}. Exchange fills the
 * name with the address when a message names none.
 */
record Recipient(String name, String address) {

  Recipient {
    address = address == null ? "" : address.trim();
    name = name == null || name.isBlank() ? address : name;
  }

  JsonObject toJson() {
    return new JsonObject().put("emailAddress", new JsonObject().put("name", name).put("address", address));
  }

  /** Whether the address is one a message can be sent to. */
  boolean isDeliverable() {
    try {
      new InternetAddress(address, true);
      return address.contains("@");
    } catch (AddressException malformed) {
      return false;
    }
  }

  /** The address as a MIME header value would carry it, with its display name. */
  InternetAddress toInternetAddress() {
    try {
      return name.equals(address) ? new InternetAddress(address) : new InternetAddress(address, name, "UTF-8");
    } catch (AddressException | UnsupportedEncodingException malformed) {
      throw GraphException.invalidRecipients("Recipient '" + address + "' is not resolved. "
          + "All recipients must be resolved before a message can be submitted.");
    }
  }
}
