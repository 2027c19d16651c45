package dev.mailgate.server.provider;

import dev.mailgate.server.GatewayOptions;
import dev.mailgate.server.oauth.ProfileClient;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;

/**
 * What a provider module is built from, once per gateway.
 *
 * @param vertx the gateway's Vert.x
 * @param options the gateway's options (worker threads, timeouts, bounds, egress, OAuth endpoint changes, API roots)
 * @param http the shared HTTP client for REST providers
 * @param profiles the profile call of OAuth providers
 */
public record ProviderContext(Vertx vertx, GatewayOptions options, WebClient http, ProfileClient profiles) {}
