package dev.mailgate.server.auth;

import dev.mailgate.server.tenant.Tenant;

/** Who is calling: an authenticated tenant, plus the request id used in logs and responses. */
public record Caller(Tenant tenant, String requestId) {}
