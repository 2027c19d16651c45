package dev.mailgate.tenant.config;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the optional {@code oauth_clients} section: one client per provider key. */
final class OAuthClientsParser {

  private static final List<String> PROVIDER_KEYS =
      Arrays.stream(OAuthProvider.values()).map(OAuthProvider::configKey).toList();
  private static final List<String> CLIENT_KEYS =
      List.of("client_id", "client_secret", "redirect_uri");

  private OAuthClientsParser() {
  }

  static Map<OAuthProvider, OAuthClientConfig> parse(MappingReader root) {
    Map<OAuthProvider, OAuthClientConfig> clients = new EnumMap<>(OAuthProvider.class);
    root.mapping("oauth_clients", false, PROVIDER_KEYS).ifPresent(section -> {
      for (OAuthProvider provider : OAuthProvider.values()) {
        section.mapping(provider.configKey(), false, CLIENT_KEYS)
            .flatMap(OAuthClientsParser::client)
            .ifPresent(client -> clients.put(provider, client));
      }
    });
    return clients;
  }

  private static Optional<OAuthClientConfig> client(MappingReader client) {
    Optional<String> clientId = client.string("client_id", true);
    Optional<Secret> clientSecret = SecretReferences.read(client, "client_secret", false);
    Optional<String> redirectUri = redirectUri(client);
    if (clientId.isEmpty() || clientSecret.isEmpty() || redirectUri.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new OAuthClientConfig(clientId.get(), clientSecret.get(), redirectUri.get()));
  }

  private static Optional<String> redirectUri(MappingReader client) {
    Optional<ScalarValue> uri = client.scalar("redirect_uri", true);
    if (uri.isPresent() && !HttpUrls.isAbsoluteHttpUrl(uri.get().text().strip())) {
      client.context().error(client.field("redirect_uri"), HttpUrls.REQUIREMENT + uri.get().was());
      return Optional.empty();
    }
    return uri.map(value -> value.text().strip());
  }
}
