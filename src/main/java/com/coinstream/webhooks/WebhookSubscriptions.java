package com.coinstream.webhooks;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.audit.AdminAuditLog;
import com.coinstream.audit.AuditDraft;
import com.coinstream.db.Quotas;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Ids;
import com.coinstream.domain.NotFound;
import com.coinstream.domain.Page;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.Text;
import com.coinstream.identity.Caller;
import com.coinstream.identity.Role;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Webhook subscriptions and their delivery logs. Admins subscribe platform-wide (or to one creator's events); a creator
 * subscribes to their own streams' and payouts' events. Each sees and changes only their own subscriptions (admins: all).
 */
@ApplicationScoped
public class WebhookSubscriptions {
    static final int MAX_REPLAY = 10_000;
    private static final String COLUMNS = "id, seq, owner_id, creator_id, url, event_types, description, status, disabled_reason, "
            + "disabled_at, consecutive_failures, created_at, previous_secret_until";
    private static final String DELIVERY_COLUMNS = "id, event_id, event_type, occurred_at, data::text, status, attempts, next_attempt_at, "
            + "last_attempt_at, last_status_code, last_error, delivered_at, order_seq";

    private final Pool pool;
    private final Clock clock;
    private final Vertx vertx;
    private final WebhooksConfig config;
    private final AdminAuditLog adminLog;
    private final EndpointPolicy policy;

    public WebhookSubscriptions(Pool pool, Clock clock, Vertx vertx, WebhooksConfig config, AdminAuditLog adminLog) {
        this.pool = pool;
        this.clock = clock;
        this.vertx = vertx;
        this.config = config;
        this.adminLog = adminLog;
        this.policy = new EndpointPolicy(config.allowLoopback(), config.allowPrivateAddresses());
    }

    public record Subscription(UUID id, long position, String ownerId, String creatorId, String url, List<String> eventTypes,
            String description, String status, String disabledReason, Instant disabledAt, int consecutiveFailures, Instant createdAt,
            Instant previousSecretUntil) {
    }

    /** A subscription with its signing secret, which is shown only here (at creation and at rotation). */
    public record WithSecret(Subscription subscription, String secret) {
    }

    public record Delivery(long id, UUID eventId, String eventType, Instant occurredAt, String data, String status, int attempts,
            Instant nextAttemptAt, Instant lastAttemptAt, Integer lastStatusCode, String lastError, Instant deliveredAt) {
    }

    public Uni<WithSecret> create(Caller caller, String url, List<String> eventTypes, String description, String creatorId,
            AuditDraft audit) {
        boolean admin = caller.hasRole(Role.ADMIN);
        List<String> types = eventTypes(eventTypes, admin);
        String scope = admin ? blankToNull(creatorId) : caller.userId();
        if (!admin && creatorId != null && !creatorId.equals(caller.userId())) {
            throw new Refusal(ErrorCode.FORBIDDEN, "Creators subscribe to their own events only", "input", "creatorId");
        }
        String about = description == null ? null : Text.require(description, 200, false, "description", "input", "description");
        URI uri = policy.parse(url);
        UUID id = UUID.randomUUID();
        String secret = WebhookSignature.newSecret();
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        return vertx.executeBlocking(Uni.createFrom().item(() -> policy.resolve(uri)))
                .flatMap(resolved -> pool.withTransaction(tx -> Quotas.reserve(tx, "webhook-subscriptions", caller.userId(),
                        "select count(*) from webhook_subscription where owner_id = $1 and status <> 'DELETED'", config.maxSubscriptions(),
                        () -> new Refusal(ErrorCode.INVALID_STATE, "You have " + config.maxSubscriptions()
                                + " webhook subscriptions, the most allowed; delete one first", "input"))
                        .flatMap(reserved -> {
                            return tx.preparedQuery("insert into webhook_subscription (id, owner_id, creator_id, url, event_types, description, "
                                    + "secret, status, created_at) values ($1, $2, $3, $4, $5, $6, $7, 'ACTIVE', $8)")
                                    .execute(Tuple.from(Arrays.asList(id, caller.userId(), scope, uri.toString(), types.toArray(String[]::new),
                                            about, secret, now)));
                        })
                        .flatMap(ignored -> find(tx, id))
                        .call(s -> audit == null ? Uni.createFrom().voidItem() : adminLog.append(tx, audit.target("webhookSubscription", id)))))
                .map(s -> new WithSecret(s, secret));
    }

    public Uni<WithSecret> rotate(Caller caller, String subscriptionId, AuditDraft audit) {
        UUID id = id(subscriptionId);
        String secret = WebhookSignature.newSecret();
        return pool.withTransaction(tx -> owned(tx, caller, id)
                .flatMap(s -> tx.preparedQuery("update webhook_subscription set previous_secret = secret, "
                        + "previous_secret_until = now() + $2 * interval '1 millisecond', secret = $3 where id = $1")
                        .execute(Tuple.of(id, config.secretOverlap().toMillis(), secret)))
                .flatMap(ignored -> find(tx, id))
                .call(s -> adminLog.append(tx, audit)))
                .map(s -> new WithSecret(s, secret));
    }

    public Uni<UUID> delete(Caller caller, String subscriptionId, AuditDraft audit) {
        UUID id = id(subscriptionId);
        return pool.withTransaction(tx -> owned(tx, caller, id)
                .flatMap(s -> tx.preparedQuery("update webhook_subscription set status = 'DELETED' where id = $1").execute(Tuple.of(id)))
                .call(ignored -> adminLog.append(tx, audit)))
                .replaceWith(id);
    }

    /** The caller's subscriptions (an admin's: everyone's), newest first. */
    public Uni<List<Subscription>> list(Caller caller) {
        boolean admin = caller.hasRole(Role.ADMIN);
        return pool.preparedQuery("select " + COLUMNS + " from webhook_subscription where status <> 'DELETED' "
                + "and ($1 or owner_id = $2) order by seq desc limit 500").execute(Tuple.of(admin, caller.userId()))
                .map(rows -> {
                    List<Subscription> out = new ArrayList<>();
                    rows.forEach(r -> out.add(subscription(r)));
                    return out;
                });
    }

    /** One subscription's deliveries, newest first. */
    public Uni<Page<Delivery>> deliveries(Caller caller, String subscriptionId, Integer first, String after) {
        UUID id = Ids.parse(subscriptionId).orElseThrow(() -> new NotFound("No such webhook subscription"));
        int limit = Page.size(first);
        long before = Page.after(after);
        return owned(pool, caller, id).onFailure(Refusal.class).transform(e -> new NotFound(e.getMessage())).flatMap(s -> pool.preparedQuery("select " + DELIVERY_COLUMNS + " from webhook_delivery "
                + "where subscription_id = $1 and id < $2 order by id desc limit $3").execute(Tuple.of(id, before, limit + 1)))
                .map(rows -> {
                    List<Delivery> out = new ArrayList<>();
                    rows.forEach(r -> out.add(delivery(r)));
                    return Page.of(out, limit, before != Long.MAX_VALUE, Delivery::id);
                });
    }

    public record Replayed(Subscription subscription, int count) {
    }

    /**
     * Send again one delivery, or every delivery of events that occurred in [from, to) (at most 10,000 per call, oldest
     * first). Replaying into a disabled subscription enables it again, its failure count reset: the way back after fixing an
     * endpoint.
     */
    public Uni<Replayed> replay(Caller caller, String subscriptionId, String deliveryId, Instant from, Instant to, AuditDraft audit) {
        UUID id = id(subscriptionId);
        Long one = deliveryId == null ? null : deliveryNumber(deliveryId);
        if (one == null && (from == null || to == null || !from.isBefore(to))) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "Give a deliveryId, or from and to with from before to", "input");
        }
        return pool.withTransaction(tx -> owned(tx, caller, id)
                .flatMap(s -> tx.preparedQuery("with picked as (select id from webhook_delivery where subscription_id = $1 "
                        + "and ($2::bigint is null or id = $2) and ($3::timestamptz is null or occurred_at >= $3) "
                        + "and ($4::timestamptz is null or occurred_at < $4) and status <> 'PENDING' order by id limit $5 for update) "
                        + "update webhook_delivery d set status = 'PENDING', next_attempt_at = now(), first_due_at = now(), lease_until = null "
                        + "from picked where d.id = picked.id")
                        .execute(Tuple.from(Arrays.asList(id, one, utc(from), utc(to), MAX_REPLAY))))
                .flatMap(rows -> {
                    int count = rows.rowCount();
                    if (one != null && count == 0) {
                        throw new Refusal(ErrorCode.NOT_FOUND, "No such delivery of this subscription, or it is still pending", "input",
                                "deliveryId");
                    }
                    return tx.preparedQuery("update webhook_subscription set status = 'ACTIVE', consecutive_failures = 0, disabled_reason = null, "
                            + "disabled_at = null where id = $1 and status = 'DISABLED'").execute(Tuple.of(id))
                            .flatMap(ignored -> find(tx, id)).map(s -> new Replayed(s, count));
                })
                .call(r -> adminLog.append(tx, audit)));
    }

    private Uni<Subscription> owned(SqlClient client, Caller caller, UUID id) {
        return client.preparedQuery("select " + COLUMNS + " from webhook_subscription where id = $1 and status <> 'DELETED'")
                .execute(Tuple.of(id)).map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw notFound();
                    }
                    Subscription s = subscription(rows.iterator().next());
                    if (!caller.hasRole(Role.ADMIN) && !s.ownerId().equals(caller.userId())) {
                        throw notFound();
                    }
                    return s;
                });
    }

    private Uni<Subscription> find(SqlClient client, UUID id) {
        return client.preparedQuery("select " + COLUMNS + " from webhook_subscription where id = $1").execute(Tuple.of(id))
                .map(rows -> subscription(rows.iterator().next()));
    }

    static List<String> eventTypes(List<String> requested, boolean admin) {
        if (requested == null || requested.isEmpty()) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "Name at least one event type", "input", "eventTypes");
        }
        Set<String> types = new LinkedHashSet<>();
        for (String t : requested) {
            if (t == null || !WebhookOutbox.EVENT_TYPES.contains(t)) {
                throw new Refusal(ErrorCode.INVALID_INPUT, "Unknown event type; known: " + String.join(", ", WebhookOutbox.EVENT_TYPES),
                        "input", "eventTypes");
            }
            if (!admin && !WebhookOutbox.CREATOR_EVENT_TYPES.contains(t)) {
                throw new Refusal(ErrorCode.FORBIDDEN, "Creators may subscribe to " + String.join(", ",
                        WebhookOutbox.EVENT_TYPES.stream().filter(WebhookOutbox.CREATOR_EVENT_TYPES::contains).toList()), "input", "eventTypes");
            }
            types.add(t);
        }
        return List.copyOf(types);
    }

    private static Subscription subscription(Row r) {
        return new Subscription(r.getUUID("id"), r.getLong("seq"), r.getString("owner_id"), r.getString("creator_id"), r.getString("url"),
                List.of(r.getArrayOfStrings("event_types")), r.getString("description"), r.getString("status"), r.getString("disabled_reason"),
                instant(r.getOffsetDateTime("disabled_at")), r.getInteger("consecutive_failures"), instant(r.getOffsetDateTime("created_at")),
                instant(r.getOffsetDateTime("previous_secret_until")));
    }

    private static Delivery delivery(Row r) {
        return new Delivery(r.getLong("id"), r.getUUID("event_id"), r.getString("event_type"), instant(r.getOffsetDateTime("occurred_at")),
                r.getString(4), r.getString("status"), r.getInteger("attempts"), instant(r.getOffsetDateTime("next_attempt_at")),
                instant(r.getOffsetDateTime("last_attempt_at")), r.getInteger("last_status_code"), r.getString("last_error"),
                instant(r.getOffsetDateTime("delivered_at")));
    }

    private static UUID id(String subscriptionId) {
        return Ids.require(subscriptionId, "No such webhook subscription", "input", "subscriptionId");
    }

    private static Long deliveryNumber(String deliveryId) {
        try {
            return Long.parseLong(deliveryId);
        } catch (NumberFormatException e) {
            throw new Refusal(ErrorCode.NOT_FOUND, "No such delivery of this subscription", "input", "deliveryId");
        }
    }

    private static Refusal notFound() {
        return new Refusal(ErrorCode.NOT_FOUND, "No such webhook subscription", "input", "subscriptionId");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime utc(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }
}
