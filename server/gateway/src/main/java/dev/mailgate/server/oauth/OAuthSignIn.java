package dev.mailgate.server.oauth;

import dev.mailgate.server.store.ProviderKind;
import dev.mailgate.tenant.config.OAuthProvider;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * How one provider connects through OAuth, as its provider module declares it: the tenant-file
 * client it uses ({@code oauth_clients.<key>}), its endpoints and scopes, and where its profile
 * answer ({@link OAuthEndpoints#profileUrl()}) names the mailbox.
 *
 * @param kind the provider kind
 * @param client the key of the tenant's OAuth client for this provider
 * @param endpoints the endpoints in use (the provider's own unless configuration replaced them)
 * @param mailboxAddress reads the mailbox address out of the profile answer ("" when it names none)
 */
public record OAuthSignIn(ProviderKind kind, OAuthProvider client, OAuthEndpoints endpoints,
    Function<JsonObject, String> mailboxAddress) {}
