package com.coinstream.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.DefaultValue;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Enum;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.Page;
import com.coinstream.domain.PageInfo;
import com.coinstream.domain.UserError;
import com.coinstream.graphql.AdminAction;
import com.coinstream.graphql.AdminActions;
import com.coinstream.graphql.ApiSecurity;
import com.coinstream.graphql.MaxItems;
import com.coinstream.graphql.Payloads;
import com.coinstream.graphql.PersonText;
import com.coinstream.graphql.Range;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.Role;

import io.smallrye.mutiny.Uni;

/** Outbound webhooks: subscriptions, their secrets, their delivery logs and replays (README "Webhooks"). */
@GraphQLApi
@ApiSecurity
public class WebhooksApi {
    private final CurrentCaller caller;
    private final WebhookSubscriptions subscriptions;
    private final Payloads payloads;
    private final AdminActions actions;

    public WebhooksApi(CurrentCaller caller, WebhookSubscriptions subscriptions, Payloads payloads, AdminActions actions) {
        this.caller = caller;
        this.subscriptions = subscriptions;
        this.payloads = payloads;
        this.actions = actions;
    }

    @Mutation("createWebhookSubscription")
    @Description("Admins (any events, platform-wide or one creator's) and creators (gift.sent, goal.reached, match.ended and payout.* of their own): send events to an https endpoint. The signing secret is in this answer only.")
    @RolesAllowed({ Role.ADMIN, Role.CREATOR })
    @AdminAction("createWebhookSubscription")
    public Uni<@NonNull WebhookSecretPayload> createWebhookSubscription(@NonNull CreateWebhookSubscriptionInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> subscriptions.create(c, input.url, input.eventTypes,
                input.description, input.creatorId, actions.draft())))
                .map(w -> new WebhookSecretPayload(WebhookSubscriptionView.of(w.subscription()), w.secret(), List.of())),
                e -> new WebhookSecretPayload(null, null, List.of(e)));
    }

    @Mutation("rotateWebhookSecret")
    @Description("A new signing secret, shown in this answer only. The old one keeps signing beside it (a second v1 signature) for the overlap period, so receivers can switch without losing a message.")
    @RolesAllowed({ Role.ADMIN, Role.CREATOR })
    @AdminAction("rotateWebhookSecret")
    public Uni<@NonNull WebhookSecretPayload> rotateWebhookSecret(@NonNull RotateWebhookSecretInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> subscriptions.rotate(c, input.subscriptionId,
                actions.draft())))
                .map(w -> new WebhookSecretPayload(WebhookSubscriptionView.of(w.subscription()), w.secret(), List.of())),
                e -> new WebhookSecretPayload(null, null, List.of(e)));
    }

    @Mutation("deleteWebhookSubscription")
    @Description("Stop a subscription. Its undelivered events are not sent.")
    @RolesAllowed({ Role.ADMIN, Role.CREATOR })
    @AdminAction("deleteWebhookSubscription")
    public Uni<@NonNull DeleteWebhookSubscriptionPayload> deleteWebhookSubscription(@NonNull DeleteWebhookSubscriptionInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> subscriptions.delete(c, input.subscriptionId,
                actions.draft())))
                .map(id -> new DeleteWebhookSubscriptionPayload(id.toString(), List.of())),
                e -> new DeleteWebhookSubscriptionPayload(null, List.of(e)));
    }

    @Query("webhookSubscriptions")
    @Description("Your webhook subscriptions (an admin's: everyone's, the newest 100; webhookSubscription(id) reads any), newest first, with their status and why one was disabled.")
    @RolesAllowed({ Role.ADMIN, Role.CREATOR })
    public Uni<@NonNull List<@NonNull WebhookSubscriptionView>> webhookSubscriptions() {
        return caller.get().flatMap(subscriptions::list).map(list -> list.stream().map(WebhookSubscriptionView::of).toList());
    }

    @Query("webhookSubscription")
    @Description("One of your webhook subscriptions (an admin: anyone's); NOT_FOUND for an unknown one or someone else's.")
    @RolesAllowed({ Role.ADMIN, Role.CREATOR })
    public Uni<@NonNull WebhookSubscriptionView> webhookSubscription(@NonNull @Id String id) {
        return caller.get().flatMap(c -> Payloads.guarded(() -> subscriptions.one(c, id))).map(WebhookSubscriptionView::of);
    }

    @Query("webhookDeliveries")
    @Description("One of your subscriptions' deliveries, newest first: status, attempts, last response code and error.")
    @RolesAllowed({ Role.ADMIN, Role.CREATOR })
    public Uni<@NonNull WebhookDeliveryConnection> webhookDeliveries(@NonNull @Id String subscriptionId,
            @Description("Only deliveries in this state.") DeliveryStatus status, Integer first, String after) {
        return caller.get().flatMap(c -> Payloads.guarded(() -> subscriptions.deliveries(c, subscriptionId,
                status == null ? null : status.name(), first, after)))
                .map(WebhookDeliveryConnection::of);
    }

    @Description("How a subscription fares, read from its latest 1,000 deliveries.")
    public Uni<@NonNull List<@NonNull Health>> health(@Source List<WebhookSubscriptionView> subscriptions) {
        return this.subscriptions.health(subscriptions.stream().map(s -> UUID.fromString(s.id())).toList())
                .map(list -> list.stream().map(Health::of).toList());
    }

    @Description("Its deliveries per UTC day (by when their events occurred) over the last `days` days, oldest first; days without deliveries are left out. Counted over its latest 10,000 deliveries.")
    public Uni<@NonNull List<@NonNull DeliveryDay>> deliveryDays(@Source WebhookSubscriptionView subscription,
            @DefaultValue("14") @Range(min = 1, max = 90) Integer days) {
        return subscriptions.days(UUID.fromString(subscription.id()), days == null ? 14 : days)
                .map(list -> list.stream().map(d -> new DeliveryDay(d.day(), d.delivered(), d.failed(), d.failing(), d.pending())).toList());
    }

    @Mutation("sendTestWebhookEvent")
    @Description("Queue a webhook.test event for one of your active subscriptions: signed and retried like any event, and in its delivery log. One on its way at a time per subscription (INVALID_STATE; a failing one does not count), at most 10 an hour (RATE_LIMITED).")
    @RolesAllowed({ Role.ADMIN, Role.CREATOR })
    @AdminAction("sendTestWebhookEvent")
    public Uni<@NonNull SendTestWebhookEventPayload> sendTestWebhookEvent(@NonNull SendTestWebhookEventInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> subscriptions.test(c, input.subscriptionId,
                actions.draft())))
                .map(t -> new SendTestWebhookEventPayload(WebhookSubscriptionView.of(t.subscription()), WebhookDeliveryView.of(t.delivery()),
                        List.of())),
                e -> new SendTestWebhookEventPayload(null, null, List.of(e)));
    }

    @Input("SendTestWebhookEventInput")
    public static class SendTestWebhookEventInput {
        @NonNull
        @Id
        public String subscriptionId;
    }

    @Type("SendTestWebhookEventPayload")
    public record SendTestWebhookEventPayload(WebhookSubscriptionView subscription,
            @Description("The test event's delivery: follow it in webhookDeliveries.") WebhookDeliveryView delivery,
            @NonNull List<@NonNull UserError> userErrors) {
    }

    @Enum("WebhookDeliveryStatus")
    public enum DeliveryStatus {
        PENDING, DELIVERED, FAILED
    }

    @Type("WebhookHealth")
    @Description("A subscription's latest deliveries (at most 1,000): how many were delivered, given up on, failing or still pending, and the last failure among them.")
    public record Health(@Description("How many deliveries these figures cover.") int window, int delivered,
            @Description("Given up on after every retry.") int failed,
            @Description("Pending after a failed attempt: retrying, or waiting for a disabled subscription to be replayed.") int failing,
            @Description("Not delivered yet (failing ones included).") int pending,
            @Description("delivered / (delivered + failed + failing); null while none has been attempted.") Double successRate,
            Instant lastDeliveredAt, @Description("The last failed attempt among those deliveries whose latest attempt failed (failing or given up).") Instant lastFailureAt,
            Integer lastFailureStatusCode, String lastFailureError) {
        static Health of(WebhookSubscriptions.Health h) {
            int tried = h.delivered() + h.failed() + h.failing();
            return new Health(h.window(), h.delivered(), h.failed(), h.failing(), h.pending(), tried == 0 ? null : (double) h.delivered() / tried,
                    h.lastDeliveredAt(), h.lastFailureAt(), h.lastFailureStatusCode(), h.lastFailureError());
        }
    }

    @Type("WebhookDeliveryDay")
    public record DeliveryDay(@NonNull @Description("YYYY-MM-DD, UTC.") String day, int delivered, int failed,
            @Description("Pending after a failed attempt.") int failing, @Description("Not delivered yet (failing ones included).") int pending) {
    }

    @Mutation("replayWebhookDeliveries")
    @Description("Send again one delivery (deliveryId), or every delivery of events that occurred in [from, to) (at most 10,000 per call); one or the other, not both (INVALID_INPUT). Replaying into a disabled subscription enables it again and sends its pending deliveries now; a pending delivery of an active subscription is already on its way and is not replayed.")
    @RolesAllowed({ Role.ADMIN, Role.CREATOR })
    @AdminAction("replayWebhookDeliveries")
    public Uni<@NonNull ReplayWebhookDeliveriesPayload> replayWebhookDeliveries(@NonNull ReplayWebhookDeliveriesInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> subscriptions.replay(c, input.subscriptionId,
                input.deliveryId, input.from, input.to, actions.draft())))
                .map(r -> new ReplayWebhookDeliveriesPayload(WebhookSubscriptionView.of(r.subscription()), r.count(), List.of())),
                e -> new ReplayWebhookDeliveriesPayload(null, null, List.of(e)));
    }

    @Input("CreateWebhookSubscriptionInput")
    public static class CreateWebhookSubscriptionInput {
        @PersonText(max = 2048)
        @NonNull
        @Description("https URL (plain http to loopback only where loopback is allowed: dev and test).")
        public String url;
        @PersonText(max = 64)
        @MaxItems(20)
        @NonNull
        @Description("Event types: gift.sent, goal.reached, match.ended, purchase.succeeded, purchase.reversed, payout.requested, payout.paid, payout.failed, account.hold_placed, account.hold_released.")
        public List<@NonNull String> eventTypes;
        @PersonText(max = 200)
        public String description;
        @PersonText(max = com.coinstream.identity.Caller.MAX_USER_ID)
        @Id
        @Description("Admins: only this creator's events. Creators: leave out (always your own).")
        public String creatorId;
    }

    @Input("RotateWebhookSecretInput")
    public static class RotateWebhookSecretInput {
        @NonNull
        @Id
        public String subscriptionId;
    }

    @Input("DeleteWebhookSubscriptionInput")
    public static class DeleteWebhookSubscriptionInput {
        @NonNull
        @Id
        public String subscriptionId;
    }

    @Input("ReplayWebhookDeliveriesInput")
    public static class ReplayWebhookDeliveriesInput {
        @NonNull
        @Id
        public String subscriptionId;
        @Id
        public String deliveryId;
        public Instant from;
        public Instant to;
    }

    @Type("WebhookSubscription")
    public record WebhookSubscriptionView(@NonNull @Id String id, @NonNull String url, @NonNull List<@NonNull String> eventTypes,
            String description, @Id @Description("Only this creator's events; null: platform-wide.") String creatorId,
            @NonNull @Description("ACTIVE or DISABLED.") String status, @Description("Why it was disabled.") String disabledReason,
            Instant disabledAt, int consecutiveFailures, @NonNull Instant createdAt,
            @Description("Until then the previous secret also signs (after a rotation).") Instant previousSecretValidUntil) {
        static WebhookSubscriptionView of(WebhookSubscriptions.Subscription s) {
            return new WebhookSubscriptionView(s.id().toString(), s.url(), s.eventTypes(), s.description(), s.creatorId(), s.status(),
                    s.disabledReason(), s.disabledAt(), s.consecutiveFailures(), s.createdAt(), s.previousSecretUntil());
        }
    }

    @Type("WebhookSecretPayload")
    public record WebhookSecretPayload(WebhookSubscriptionView subscription,
            @Description("The signing secret (whsec_...), shown only in this answer.") String secret,
            @NonNull List<@NonNull UserError> userErrors) {
    }

    @Type("DeleteWebhookSubscriptionPayload")
    public record DeleteWebhookSubscriptionPayload(@Id String deletedSubscriptionId, @NonNull List<@NonNull UserError> userErrors) {
    }

    @Type("ReplayWebhookDeliveriesPayload")
    public record ReplayWebhookDeliveriesPayload(WebhookSubscriptionView subscription,
            @Description("Deliveries queued again.") Integer replayed, @NonNull List<@NonNull UserError> userErrors) {
    }

    @Type("WebhookDelivery")
    public record WebhookDeliveryView(@NonNull @Id String id, @NonNull @Id String eventId, @NonNull String eventType,
            @NonNull Instant occurredAt, @NonNull @Description("PENDING, DELIVERED or FAILED (given up).") String status, int attempts,
            Integer lastStatusCode, String lastError, Instant lastAttemptAt, Instant nextAttemptAt, Instant deliveredAt,
            @NonNull @Description("The event's data, as JSON text.") String data) {
        static WebhookDeliveryView of(WebhookSubscriptions.Delivery d) {
            return new WebhookDeliveryView(WebhookSubscriptions.deliveryId(d.id()), d.eventId().toString(), d.eventType(), d.occurredAt(), d.status(),
                    d.attempts(), d.lastStatusCode(), d.lastError(), d.lastAttemptAt(),
                    "PENDING".equals(d.status()) ? d.nextAttemptAt() : null, d.deliveredAt(), d.data());
        }
    }

    @Type("WebhookDeliveryConnection")
    public record WebhookDeliveryConnection(@NonNull List<@NonNull Edge> edges, @NonNull List<@NonNull WebhookDeliveryView> nodes,
            @NonNull PageInfo pageInfo) {
        static WebhookDeliveryConnection of(Page<WebhookSubscriptions.Delivery> page) {
            Page<WebhookDeliveryView> views = page.map(WebhookDeliveryView::of);
            return new WebhookDeliveryConnection(views.edges(Edge::new), views.nodes(), views.pageInfo());
        }
    }

    @Type("WebhookDeliveryEdge")
    public record Edge(@NonNull String cursor, @NonNull WebhookDeliveryView node) {
    }
}
