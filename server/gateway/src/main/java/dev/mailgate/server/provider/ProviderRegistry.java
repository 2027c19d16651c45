package dev.mailgate.server.provider;

import dev.mailgate.server.oauth.OAuthSignIn;
import dev.mailgate.server.store.ProviderKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The provider modules of this gateway, keyed by provider kind, built once in
 * {@code GatewayServer}. Every per-kind decision (which mail operations, which OAuth client,
 * how a credential is renewed, how a connection is checked) is a lookup here.
 */
public final class ProviderRegistry {

  private final Map<ProviderKind, ProviderModule> modules = new LinkedHashMap<>();

  public ProviderRegistry(List<ProviderModule> modules) {
    for (ProviderModule module : modules) {
      if (this.modules.putIfAbsent(module.kind(), module) != null) {
        throw new IllegalArgumentException("two provider modules for " + module.kind());
      }
    }
  }

  /** Builds each module from the same context, in order. */
  @SafeVarargs
  public static ProviderRegistry of(ProviderContext context, Function<ProviderContext, ProviderModule>... factories) {
    List<ProviderModule> built = new ArrayList<>();
    for (Function<ProviderContext, ProviderModule> factory : factories) {
      built.add(factory.apply(context));
    }
    return new ProviderRegistry(built);
  }

  /** The module of the kind; empty for a kind this gateway does not have. */
  public Optional<ProviderModule> module(ProviderKind kind) {
    return Optional.ofNullable(modules.get(kind));
  }

  /** Every module, in registration order. */
  public List<ProviderModule> modules() {
    return List.copyOf(modules.values());
  }

  /** The kinds that connect through OAuth, in registration order. */
  public List<ProviderKind> oauthKinds() {
    return oauthSignIns().stream().map(OAuthSignIn::kind).toList();
  }

  /** How each OAuth provider signs in, in registration order. */
  public List<OAuthSignIn> oauthSignIns() {
    return modules.values().stream()
        .map(ProviderModule::authentication)
        .filter(Authentication.OAuth.class::isInstance)
        .map(auth -> ((Authentication.OAuth) auth).signIn())
        .toList();
  }

  /** Whether connections of the kind authenticate with a password. */
  public boolean usesPassword(ProviderKind kind) {
    return module(kind).map(m -> m.authentication() instanceof Authentication.Password).orElse(false);
  }
}
