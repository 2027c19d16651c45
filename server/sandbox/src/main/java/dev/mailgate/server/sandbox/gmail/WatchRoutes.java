package dev.mailgate.server.sandbox.gmail;

import static dev.mailgate.server.sandbox.gmail.Exchange.json;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code users.watch} and {@code users.stop}: a mailbox's push notifications to a Cloud Pub/Sub
 * topic, for seven days unless renewed ({@link PubSubPush} delivers them).
 */
final class WatchRoutes {

  /** How long a watch lasts: Gmail asks for a renewal at least every 7 days. */
  static final Duration WATCH_LIFETIME = Duration.ofDays(7);
  private static final Pattern TOPIC = Pattern.compile("projects/[^/]+/topics/[^/]+");

  void register(RouteTable routes) {
    routes.add("POST", "/watch", this::watch);
    routes.add("POST", "/stop", ctx -> {
      Gate.mailbox(ctx).stopWatch();
      Exchange.noContent(ctx);
    });
  }

  private void watch(RoutingContext ctx) {
    JsonObject body = RequestBodies.json(ctx);
    String topic = Exchange.text(body, "topicName");
    if (topic == null || !TOPIC.matcher(topic).matches()) {
      throw GmailException.invalidArgument("Invalid topicName does not match projects/SOME_ANDROID_PACKAGE/topics/*");
    }
    List<String> labelIds = Exchange.strings(body, "labelIds");
    String behavior = Exchange.text(body, "labelFilterBehavior");
    if (behavior == null) {
      behavior = Exchange.text(body, "labelFilterAction");
    }
    boolean exclude;
    if (behavior == null || behavior.equalsIgnoreCase("include")) {
      exclude = false;
    } else if (behavior.equalsIgnoreCase("exclude")) {
      exclude = true;
    } else {
      throw GmailException.invalidArgument("Invalid value at 'label_filter_behavior' (type.googleapis.com/"
          + "gmail.users.WatchRequest.LabelFilterAction), \"" + behavior + "\"");
    }
    Mailbox mailbox = Gate.mailbox(ctx);
    JsonObject answer = mailbox.read(() -> {
      for (String id : labelIds) {
        if (!mailbox.labels().exists(id)) {
          throw GmailException.invalidArgument("Invalid label: " + id);
        }
      }
      var expiration = mailbox.now().plus(WATCH_LIFETIME);
      mailbox.watch(new Mailbox.Watch(topic, List.copyOf(labelIds), exclude, expiration));
      return new JsonObject().put("historyId", Long.toString(mailbox.history().current()))
          .put("expiration", Long.toString(expiration.toEpochMilli()));
    });
    json(ctx, answer);
  }
}
