package dev.mailgate.server.api;

import com.google.protobuf.Empty;
import dev.mailgate.proto.v1.CreateWebhookEndpointRequest;
import dev.mailgate.proto.v1.CreateWebhookEndpointResponse;
import dev.mailgate.proto.v1.DeleteWebhookEndpointRequest;
import dev.mailgate.proto.v1.GetWebhookEndpointRequest;
import dev.mailgate.proto.v1.ListWebhookDeliveriesRequest;
import dev.mailgate.proto.v1.ListWebhookDeliveriesResponse;
import dev.mailgate.proto.v1.ListWebhookEndpointsRequest;
import dev.mailgate.proto.v1.ListWebhookEndpointsResponse;
import dev.mailgate.proto.v1.MailboxEventType;
import dev.mailgate.proto.v1.ReplayWebhookDeliveriesRequest;
import dev.mailgate.proto.v1.RotateWebhookEndpointSecretRequest;
import dev.mailgate.proto.v1.RotateWebhookEndpointSecretResponse;
import dev.mailgate.proto.v1.SendTestWebhookEventRequest;
import dev.mailgate.proto.v1.SendTestWebhookEventResponse;
import dev.mailgate.proto.v1.UpdateWebhookEndpointRequest;
import dev.mailgate.proto.v1.WebhookDeliveryStatus;
import dev.mailgate.proto.v1.WebhookEndpoint;
import dev.mailgate.proto.v1.WebhookServiceGrpcService;
import dev.mailgate.server.auth.Caller;
import dev.mailgate.server.error.FieldViolation;
import dev.mailgate.server.events.EventType;
import dev.mailgate.server.webhook.WebhookDelivery;
import dev.mailgate.server.webhook.WebhookService;
import io.vertx.core.Future;
import io.vertx.grpc.server.Service;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** mailgate.v1.WebhookService: validates requests and maps them to and from {@link WebhookService}. */
public final class WebhookApi {

  private static final Set<String> UPDATABLE = Set.of("url", "event_types", "user_ids", "enabled");
  private static final int MAX_FILTER_ENTRIES = 100;
  private static final UUID FIRST = new UUID(0, 0);

  private final WebhookService webhooks;

  public WebhookApi(WebhookService webhooks) {
    this.webhooks = webhooks;
  }

  public Service service(RpcBinder binder) {
    return binder.service(WebhookServiceGrpcService.SERVICE_NAME, WebhookServiceGrpcService.SERVICE_DESCRIPTOR)
        .unary(WebhookServiceGrpcService.CreateWebhookEndpoint, this::create)
        .unary(WebhookServiceGrpcService.ListWebhookEndpoints, this::list)
        .unary(WebhookServiceGrpcService.GetWebhookEndpoint, this::get)
        .unary(WebhookServiceGrpcService.UpdateWebhookEndpoint, this::update)
        .unary(WebhookServiceGrpcService.DeleteWebhookEndpoint, this::delete)
        .unary(WebhookServiceGrpcService.RotateWebhookEndpointSecret, this::rotate)
        .unary(WebhookServiceGrpcService.SendTestWebhookEvent, this::sendTest)
        .unary(WebhookServiceGrpcService.ListWebhookDeliveries, this::deliveries)
        .unary(WebhookServiceGrpcService.ReplayWebhookDeliveries, this::replay)
        .build();
  }

  Future<CreateWebhookEndpointResponse> create(Caller caller, CreateWebhookEndpointRequest request) {
    WebhookEndpoint endpoint = request.getWebhookEndpoint();
    FieldChecks checks = new FieldChecks();
    List<EventType> types = types(checks, endpoint.getEventTypesList());
    users(checks, endpoint.getUserIdsList());
    checks.orThrow();
    boolean enabled = !endpoint.hasEnabled() || endpoint.getEnabled();
    return webhooks.create(caller.tenant(), endpoint.getUrl(), types, endpoint.getUserIdsList(), enabled)
        .map(created -> CreateWebhookEndpointResponse.newBuilder()
            .setWebhookEndpoint(WebhookProtos.endpoint(created.endpoint()))
            .setSecret(created.secret())
            .build());
  }

  /** Endpoints in id order; the page token holds the last id returned. */
  Future<ListWebhookEndpointsResponse> list(Caller caller, ListWebhookEndpointsRequest request) {
    new FieldChecks().pageSize(request.getPageSize()).orThrow();
    PageTokens tokens = PageTokens.of(caller.tenant(), "ListWebhookEndpoints");
    int limit = PageSize.TENANT_ROWS.of(request.getPageSize());
    return tokens.open(request.getPageToken())
        .compose(after -> webhooks.list(caller.tenant(), after.map(UUID::fromString).orElse(FIRST), limit))
        .compose(fetched -> {
          List<dev.mailgate.server.webhook.WebhookEndpoint> page = fetched.subList(0, Math.min(limit, fetched.size()));
          Optional<String> last = fetched.size() > limit ? Optional.of(page.get(page.size() - 1).id().toString())
              : Optional.empty();
          return tokens.next(last).map(next -> ListWebhookEndpointsResponse.newBuilder()
              .addAllWebhookEndpoints(page.stream().map(WebhookProtos::endpoint).toList())
              .setNextPageToken(next)
              .build());
        });
  }

  Future<WebhookEndpoint> get(Caller caller, GetWebhookEndpointRequest request) {
    return id(request.getWebhookEndpointId()).compose(id -> webhooks.get(caller.tenant(), id))
        .map(WebhookProtos::endpoint);
  }

  Future<WebhookEndpoint> update(Caller caller, UpdateWebhookEndpointRequest request) {
    WebhookEndpoint endpoint = request.getWebhookEndpoint();
    FieldChecks checks = new FieldChecks();
    List<String> paths = request.getUpdateMask().getPathsList();
    if (paths.isEmpty()) {
      checks.add(new FieldViolation("update_mask", "must name at least one of " + String.join(", ", UPDATABLE.stream().sorted().toList())));
    }
    for (int i = 0; i < paths.size(); i++) {
      if (!UPDATABLE.contains(paths.get(i))) {
        checks.add(new FieldViolation("update_mask.paths[" + i + "]", "must be one of url, event_types, user_ids, enabled"));
      }
    }
    List<EventType> types = types(checks, endpoint.getEventTypesList());
    users(checks, endpoint.getUserIdsList());
    checks.orThrow();
    WebhookService.Changes changes = new WebhookService.Changes(
        paths.contains("url") ? Optional.of(endpoint.getUrl()) : Optional.empty(),
        paths.contains("event_types") ? Optional.of(types) : Optional.empty(),
        paths.contains("user_ids") ? Optional.of(endpoint.getUserIdsList()) : Optional.empty(),
        paths.contains("enabled") ? Optional.of(endpoint.getEnabled()) : Optional.empty());
    return id(endpoint.getWebhookEndpointId()).compose(id -> webhooks.update(caller.tenant(), id, changes))
        .map(WebhookProtos::endpoint);
  }

  Future<Empty> delete(Caller caller, DeleteWebhookEndpointRequest request) {
    return id(request.getWebhookEndpointId()).compose(id -> webhooks.delete(caller.tenant(), id))
        .map(Empty.getDefaultInstance());
  }

  Future<RotateWebhookEndpointSecretResponse> rotate(Caller caller, RotateWebhookEndpointSecretRequest request) {
    Optional<Duration> grace = Optional.empty();
    if (request.hasGracePeriod()) {
      Duration given = Duration.ofSeconds(request.getGracePeriod().getSeconds(), request.getGracePeriod().getNanos());
      if (given.isNegative() || given.compareTo(WebhookService.MAX_GRACE_PERIOD) > 0) {
        new FieldChecks().add(new FieldViolation("grace_period", "must be from 0 to 7 days")).orThrow();
      }
      grace = Optional.of(given);
    }
    Optional<Duration> chosen = grace;
    return id(request.getWebhookEndpointId()).compose(id -> webhooks.rotate(caller.tenant(), id, chosen))
        .map(rotated -> RotateWebhookEndpointSecretResponse.newBuilder()
            .setWebhookEndpoint(WebhookProtos.endpoint(rotated.endpoint()))
            .setSecret(rotated.secret())
            .build());
  }

  Future<SendTestWebhookEventResponse> sendTest(Caller caller, SendTestWebhookEventRequest request) {
    return id(request.getWebhookEndpointId()).compose(id -> webhooks.sendTest(caller.tenant(), id))
        .map(eventId -> SendTestWebhookEventResponse.newBuilder().setEventId(eventId.toString()).build());
  }

  /** Deliveries newest first; the page token holds the last delivery id returned. */
  Future<ListWebhookDeliveriesResponse> deliveries(Caller caller, ListWebhookDeliveriesRequest request) {
    FieldChecks checks = new FieldChecks().pageSize(request.getPageSize());
    WebhookDelivery.Status status = WebhookProtos.status(request.getStatus());
    if (status == null && request.getStatus() != WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_UNSPECIFIED) {
      checks.add(new FieldViolation("status", "is not a delivery status"));
    }
    checks.orThrow();
    PageTokens tokens = PageTokens.of(caller.tenant(), "ListWebhookDeliveries", request.getWebhookEndpointId(),
        request.getStatus().name());
    int limit = PageSize.TENANT_ROWS.of(request.getPageSize());
    return id(request.getWebhookEndpointId()).compose(id -> tokens.open(request.getPageToken())
        .compose(before -> webhooks.deliveries(caller.tenant(), id, Optional.ofNullable(status),
            before.map(Long::parseLong).orElse(Long.MAX_VALUE), limit)))
        .compose(fetched -> {
          List<WebhookDelivery> page = fetched.subList(0, Math.min(limit, fetched.size()));
          Optional<String> last = fetched.size() > limit ? Optional.of(Long.toString(page.get(page.size() - 1).id()))
              : Optional.empty();
          return tokens.next(last).map(next -> ListWebhookDeliveriesResponse.newBuilder()
              .addAllDeliveries(page.stream().map(WebhookProtos::delivery).toList())
              .setNextPageToken(next)
              .build());
        });
  }

  Future<Empty> replay(Caller caller, ReplayWebhookDeliveriesRequest request) {
    new FieldChecks().required("cursor", request.getCursor()).orThrow();
    return id(request.getWebhookEndpointId()).compose(id -> webhooks.replay(caller.tenant(), id, request.getCursor()))
        .map(Empty.getDefaultInstance());
  }

  /** The endpoint id; one that is not a UUID names no endpoint (NOT_FOUND, as an unknown one). */
  private static Future<UUID> id(String text) {
    try {
      UUID id = UUID.fromString(text);
      if (id.toString().equals(text)) {
        return Future.succeededFuture(id);
      }
    } catch (IllegalArgumentException notUuid) {
      // answered below
    }
    return Future.failedFuture(new dev.mailgate.server.error.GatewayException(
        dev.mailgate.server.error.Reason.WEBHOOK_ENDPOINT_NOT_FOUND, "webhook endpoint not found"));
  }

  private static List<EventType> types(FieldChecks checks, List<MailboxEventType> given) {
    List<EventType> types = new ArrayList<>();
    if (given.size() > MAX_FILTER_ENTRIES) {
      checks.add(new FieldViolation("webhook_endpoint.event_types", "must list at most " + MAX_FILTER_ENTRIES));
      return types;
    }
    for (int i = 0; i < given.size(); i++) {
      Optional<EventType> type = EventProtos.stored(given.get(i));
      if (type.isEmpty()) {
        checks.add(new FieldViolation("webhook_endpoint.event_types[" + i + "]",
            "must be MESSAGE_ADDED, MESSAGE_DELETED, LABELS_CHANGED or CONNECTION_STATE_CHANGED"));
      } else if (!types.contains(type.get())) {
        types.add(type.get());
      }
    }
    return types;
  }

  private static void users(FieldChecks checks, List<String> users) {
    if (users.size() > MAX_FILTER_ENTRIES) {
      checks.add(new FieldViolation("webhook_endpoint.user_ids", "must list at most " + MAX_FILTER_ENTRIES));
      return;
    }
    for (int i = 0; i < users.size(); i++) {
      checks.userId("webhook_endpoint.user_ids[" + i + "]", users.get(i));
    }
  }
}
