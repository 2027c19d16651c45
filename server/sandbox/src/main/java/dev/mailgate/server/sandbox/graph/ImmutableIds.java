package dev.mailgate.server.sandbox.graph;

import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * {@code Prefer: IdType="ImmutableId"}: an item created with it keeps its id for life, also when
 * it moves or, for a draft, when it is sent and filed in Sent Items
 * (https://learn.microsoft.com/graph/outlook-immutable-id). Without it, a sent draft's copy in
 * Sent Items gets a new id, as Graph's default ids change when an item changes folder.
 */
final class ImmutableIds {

  private ImmutableIds() {}

  /** Whether the request asked for immutable ids (and says so in {@code Preference-Applied}). */
  static boolean requested(RoutingContext ctx) {
    for (String prefer : ctx.request().headers().getAll("Prefer")) {
      String lower = prefer.toLowerCase(Locale.ROOT).replace(" ", "");
      if (lower.contains("idtype=\"immutableid\"") || lower.contains("idtype=immutableid")) {
        ctx.response().putHeader("Preference-Applied", "IdType=\"ImmutableId\"");
        return true;
      }
    }
    return false;
  }
}
