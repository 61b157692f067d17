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
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

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
import io.vertx.core.json.JsonObject;
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
    /** The name the delivery log's cursors are made with (Page). */
    private static final String DELIVERIES = "webhookDeliveries";
    private static final String DELIVERY = "webhookDelivery";
    static final int MAX_REPLAY = 10_000;
    /** A subscription's health is read from its latest deliveries, so it costs the same however old the subscription. */
    static final int HEALTH_WINDOW = 1_000;
    /** Its deliveries per day are counted over this many latest deliveries. */
    static final int DAYS_WINDOW = 10_000;
    /** The event type of a test delivery: sent to one subscription on request, never by a change. */
    public static final String TEST_EVENT = "webhook.test";
    /** Test events a subscription may be sent in an hour. */
    static final int TEST_EVENTS_PER_HOUR = 10;
    static final int TEST_EVENTS_PER_OWNER_HOUR = 30;
    /** Replays a subscription may be given in an hour (each up to {@value #MAX_REPLAY} deliveries). */
    static final int REPLAYS_PER_HOUR = 20;
    private static final String COLUMNS = "id, seq, owner_id, creator_id, url, event_types, description, status, disabled_reason, "
            + "disabled_at, consecutive_failures, created_at, previous_secret_until";
    private static final String DELIVERY_COLUMNS = "id, event_id, event_type, occurred_at, data::text, status, attempts, next_attempt_at, "
            + "last_attempt_at, last_status_code, last_error, delivered_at, order_seq";

    private final Pool pool;
    private final Clock clock;
    private final WebhooksConfig config;
    private final AdminAuditLog adminLog;
    private final EndpointPolicy policy;
    private final EndpointLookups lookups;

    public WebhookSubscriptions(Pool pool, Clock clock, WebhooksConfig config, AdminAuditLog adminLog, EndpointLookups lookups) {
        this.pool = pool;
        this.clock = clock;
        this.config = config;
        this.adminLog = adminLog;
        this.lookups = lookups;
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
        String count = "select count(*) from webhook_subscription where owner_id = $1 and status <> 'DELETED'";
        Supplier<Refusal> full = () -> new Refusal(ErrorCode.INVALID_STATE, "You have " + config.maxSubscriptions()
                + " webhook subscriptions, the most allowed; delete one first", "input");
        // the quota first (an owner at the limit costs no lookup), then the name, then the quota again under its lock
        return Quotas.check(pool, caller.userId(), count, config.maxSubscriptions(), full)
                // one lookup thread per owner at a time: new random names under a silent name server hold no more
                .flatMap(ignored -> lookups.resolve(uri, config.connectTimeout(), caller.userId()))
                .onFailure(EndpointLookups.Busy.class).transform(b -> new Refusal(ErrorCode.RATE_LIMITED,
                        "Too many endpoint lookups are under way; try again in a few seconds", "input", "url"))
                .onFailure(TimeoutException.class).transform(t -> new Refusal(ErrorCode.ENDPOINT_NOT_ALLOWED,
                        "the endpoint's host did not resolve within " + config.connectTimeout().toMillis() + " ms", "input", "url"))
                .flatMap(resolved -> pool.withTransaction(tx -> Quotas.reserve(tx, "webhook-subscriptions", caller.userId(), count,
                        config.maxSubscriptions(), full)
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
        return pool.withTransaction(tx -> ownedLocked(tx, caller, id)
                // A rotation while the one before is still in its overlap (a retry whose answer was lost, a double click)
                // keeps the secret the receiver had before both, for the rest of its overlap: the secret in between, which
                // nobody may have seen, stops signing instead
                .flatMap(s -> tx.preparedQuery("update webhook_subscription set "
                        + "previous_secret = case when previous_secret_until > now() then previous_secret else secret end, "
                        + "previous_secret_until = case when previous_secret_until > now() then previous_secret_until "
                        + "else now() + $2 * interval '1 millisecond' end, secret = $3 where id = $1")
                        .execute(Tuple.of(id, config.secretOverlap().toMillis(), secret)))
                .flatMap(ignored -> find(tx, id))
                .call(s -> adminLog.append(tx, audit)))
                .map(s -> new WithSecret(s, secret));
    }

    public Uni<UUID> delete(Caller caller, String subscriptionId, AuditDraft audit) {
        UUID id = id(subscriptionId);
        return pool.withTransaction(tx -> ownedLocked(tx, caller, id)
                // (its signing secrets go with it: nothing signs for a deleted subscription again)
                .flatMap(s -> tx.preparedQuery("update webhook_subscription set status = 'DELETED', secret = '', previous_secret = null, "
                        + "previous_secret_until = null where id = $1 and status <> 'DELETED'")
                        .execute(Tuple.of(id)))
                .call(ignored -> adminLog.append(tx, audit)))
                .replaceWith(id);
    }

    /**
     * The caller's subscriptions (an admin's: everyone's, the newest {@code Page.MAX_PAGE_SIZE}), newest first: at most
     * what the query limits count a list without a size as (RememberedQueryLimits), so the values a request asks for
     * per subscription (their health, their days) stay within its bound.
     */
    public Uni<List<Subscription>> list(Caller caller) {
        boolean admin = caller.hasRole(Role.ADMIN);
        return pool.preparedQuery("select " + COLUMNS + " from webhook_subscription where status <> 'DELETED' "
                + "and ($1 or owner_id = $2) order by seq desc limit $3").execute(Tuple.of(admin, caller.userId(), Page.MAX_PAGE_SIZE))
                .map(rows -> {
                    List<Subscription> out = new ArrayList<>();
                    rows.forEach(r -> out.add(subscription(r)));
                    return out;
                });
    }

    /** One of the caller's subscriptions (an admin's: anyone's). */
    public Uni<Subscription> one(Caller caller, String subscriptionId) {
        UUID id = Ids.parse(subscriptionId).orElseThrow(() -> new NotFound("No such webhook subscription"));
        return owned(pool, caller, id).onFailure(Refusal.class).transform(e -> new NotFound(e.getMessage()));
    }

    /** One subscription's deliveries, newest first; {@code status} (PENDING, DELIVERED, FAILED) or null for all. */
    public Uni<Page<Delivery>> deliveries(Caller caller, String subscriptionId, String status, Integer first, String after) {
        int limit = Page.size(first);
        long before = Page.after(DELIVERIES, after);
        // the unsettled (a few) are read through their own partial index, which the planner picks only for a literal predicate
        String only = status == null ? "and $4::text is null" : "DELIVERED".equals(status) ? "and status = $4" : "and status <> 'DELIVERED' and status = $4";
        return one(caller, subscriptionId).flatMap(s -> pool.preparedQuery("select " + DELIVERY_COLUMNS + " from webhook_delivery "
                + "where subscription_id = $1 and id < $2 " + only + " order by id desc limit $3")
                .execute(Tuple.of(s.id(), before, limit + 1, status)))
                .map(rows -> {
                    List<Delivery> out = new ArrayList<>();
                    rows.forEach(r -> out.add(delivery(r)));
                    return Page.of(DELIVERIES, out, limit, before != Long.MAX_VALUE, Delivery::id);
                });
    }

    /** How a subscription fares, over its latest {@value #HEALTH_WINDOW} deliveries. */
    public record Health(int window, int delivered, int failed, int failing, int pending, Instant lastDeliveredAt, Instant lastFailureAt,
            Integer lastFailureStatusCode, String lastFailureError) {
    }

    /** The health of each subscription, in the order given (one statement for them all). */
    public Uni<List<Health>> health(List<UUID> ids) {
        return pool.preparedQuery("""
                select s.ord, h.seen, h.delivered, h.failed, h.failing, h.pending, h.last_delivered,
                       h.failures[1] as last_attempt_at, h.codes[1] as last_status_code, h.errors[1] as last_error
                from unnest($1::uuid[]) with ordinality as s (id, ord)
                -- one pass over the latest deliveries: the counts, and the latest failed attempt among them
                cross join lateral (select count(*) as seen, count(*) filter (where w.status = 'DELIVERED') as delivered,
                                           count(*) filter (where w.status = 'FAILED') as failed,
                                           count(*) filter (where w.status = 'PENDING' and w.last_error is not null) as failing,
                                           count(*) filter (where w.status = 'PENDING') as pending, max(w.delivered_at) as last_delivered,
                                           array_agg(w.last_attempt_at order by w.last_attempt_at desc nulls last, w.id desc)
                                               filter (where w.last_error is not null) as failures,
                                           array_agg(w.last_status_code order by w.last_attempt_at desc nulls last, w.id desc)
                                               filter (where w.last_error is not null) as codes,
                                           array_agg(w.last_error order by w.last_attempt_at desc nulls last, w.id desc)
                                               filter (where w.last_error is not null) as errors
                                    from (select id, status, delivered_at, last_attempt_at, last_status_code, last_error from webhook_delivery
                                          where subscription_id = s.id order by id desc limit $2) w) h
                order by s.ord""").execute(Tuple.of(ids.toArray(UUID[]::new), HEALTH_WINDOW)).map(rows -> {
            List<Health> out = new ArrayList<>();
            rows.forEach(r -> out.add(new Health(r.getInteger("seen"), r.getInteger("delivered"), r.getInteger("failed"),
                    r.getInteger("failing"), r.getInteger("pending"), instant(r.getOffsetDateTime("last_delivered")), instant(r.getOffsetDateTime("last_attempt_at")),
                    r.getInteger("last_status_code"), r.getString("last_error"))));
            return out;
        });
    }

    /** One UTC day of a subscription's deliveries, by the day its events occurred. */
    public record Day(String day, int delivered, int failed, int failing, int pending) {
    }

    /** The subscription's deliveries per day over the last {@code days} days (UTC), oldest first; days with none left out. */
    public Uni<List<Day>> days(UUID id, int days) {
        return pool.preparedQuery("""
                select to_char((w.occurred_at at time zone 'UTC')::date, 'YYYY-MM-DD') as day,
                       count(*) filter (where w.status = 'DELIVERED') as delivered, count(*) filter (where w.status = 'FAILED') as failed,
                       count(*) filter (where w.status = 'PENDING' and w.last_error is not null) as failing,
                       count(*) filter (where w.status = 'PENDING') as pending
                from (select occurred_at, status, last_error from webhook_delivery where subscription_id = $1 order by id desc limit $3) w
                where (w.occurred_at at time zone 'UTC')::date >= (now() at time zone 'UTC')::date - ($2 - 1)
                group by 1 order by 1""").execute(Tuple.of(id, days, DAYS_WINDOW)).map(rows -> {
            List<Day> out = new ArrayList<>();
            rows.forEach(r -> out.add(new Day(r.getString("day"), r.getInteger("delivered"), r.getInteger("failed"), r.getInteger("failing"),
                    r.getInteger("pending"))));
            return out;
        });
    }

    /** A test delivery queued for one subscription: what it sends, and its log entry. */
    public record Tested(Subscription subscription, Delivery delivery) {
    }

    /**
     * Queues a {@value #TEST_EVENT} event for one active subscription, signed and retried like any other, so its owner can
     * check their endpoint and its signature check. One at a time: a second while one is still pending is refused.
     */
    public Uni<Tested> test(Caller caller, String subscriptionId, AuditDraft audit) {
        UUID id = id(subscriptionId);
        UUID event = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        return pool.withTransaction(tx -> ownedLocked(tx, caller, id)
                .call(s -> {
                    if (!"ACTIVE".equals(s.status())) {
                        throw new Refusal(ErrorCode.INVALID_STATE, "This subscription is disabled; replay a delivery to enable it again",
                                "input", "subscriptionId");
                    }
                    // one on its way at a time (a failing one does not block the next: the endpoint may be fixed), and at most
                    // TEST_EVENTS_PER_HOUR an hour, so a test is a check, not a way to send requests on demand
                    return Quotas.reserve(tx, "webhook-test", id.toString(), "select count(*) from webhook_delivery where subscription_id = $1::uuid "
                            + "and event_type = '" + TEST_EVENT + "' and status = 'PENDING' and last_error is null", 1,
                            () -> new Refusal(ErrorCode.INVALID_STATE, "A test event for this subscription is still being delivered; "
                                    + "wait for it, or see its delivery log", "input", "subscriptionId"))
                            .call(() -> Quotas.reserve(tx, "webhook-tests-an-hour", id.toString(), "select count(*) from webhook_delivery "
                                    + "where subscription_id = $1::uuid and event_type = '" + TEST_EVENT + "' and occurred_at > now() - interval '1 hour'",
                                    TEST_EVENTS_PER_HOUR, () -> new Refusal(ErrorCode.RATE_LIMITED, "At most " + TEST_EVENTS_PER_HOUR
                                            + " test events an hour per subscription; try again later", "input", "subscriptionId")))
                            // and per owner, deleted subscriptions included: deleting and creating one again starts no new hour
                            .call(() -> Quotas.reserve(tx, "webhook-tests-an-hour-per-owner", s.ownerId(), "select count(*) from webhook_delivery d "
                                    + "join webhook_subscription w on w.id = d.subscription_id where w.owner_id = $1 and d.event_type = '" + TEST_EVENT
                                    + "' and d.occurred_at > now() - interval '1 hour'", TEST_EVENTS_PER_OWNER_HOUR,
                                    () -> new Refusal(ErrorCode.RATE_LIMITED, "At most " + TEST_EVENTS_PER_OWNER_HOUR
                                            + " test events an hour for all your subscriptions together; try again later", "input", "subscriptionId")));
                })
                .flatMap(s -> tx.preparedQuery("insert into webhook_delivery (subscription_id, event_id, event_type, occurred_at, data) "
                        + "values ($1, $2, $3, $4, $5) returning " + DELIVERY_COLUMNS)
                        .execute(Tuple.of(id, event, TEST_EVENT, now, new JsonObject().put("subscriptionId", id.toString())
                                .put("message", "A test event from Coinstream: your endpoint is reachable and can check the signature.")
                                .put("sentAt", now.toInstant().toString())))
                        .map(rows -> new Tested(s, delivery(rows.iterator().next()))))
                .call(t -> adminLog.append(tx, audit.target("webhookSubscription", id))));
    }

    public record Replayed(Subscription subscription, int count) {
    }

    /**
     * Send again one delivery, or every delivery of events that occurred in [from, to) (at most 10,000 per call, oldest
     * first). Replaying into a disabled subscription enables it again, its failure count reset, and sends its pending
     * deliveries now: the way back after fixing an endpoint. A pending delivery of an active subscription is already on its
     * way, and is not replayed.
     */
    public Uni<Replayed> replay(Caller caller, String subscriptionId, String deliveryId, Instant from, Instant to, AuditDraft audit) {
        UUID id = id(subscriptionId);
        Long one = deliveryId == null ? null : deliveryNumber(deliveryId);
        if (one == null && (from == null || to == null)) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "Give a deliveryId, or from and to with from before to", "input");
        }
        if (one != null && (from != null || to != null)) {
            // (one delivery, or a span: both at once is a contradiction, never one of them silently left out)
            throw new Refusal(ErrorCode.INVALID_INPUT, "Give a deliveryId, or from and to, not both", "input", from != null ? "from" : "to");
        }
        if (one == null) {
            com.coinstream.domain.Times.requireOrdered(from, to, "input", "from");
        }
        // at most REPLAYS_PER_HOUR an hour per subscription, counted from the audit log, which records each replay done in
        // its own transaction (so a replay is not a way to send requests on demand); test events are never replayed (a
        // new test is sent instead, under the test's own limits)
        return pool.withTransaction(tx -> ownedLocked(tx, caller, id)
                .call(s -> Quotas.reserve(tx, "webhook-replays-an-hour", id.toString(), "select count(*) from admin_audit where target_id = $1 "
                        + "and action = 'replayWebhookDeliveries' and outcome = 'DONE' and at > now() - interval '1 hour'", REPLAYS_PER_HOUR,
                        () -> new Refusal(ErrorCode.RATE_LIMITED, "At most " + REPLAYS_PER_HOUR + " replays an hour per subscription; "
                                + "try again later", "input", "subscriptionId")))
                .flatMap(s -> tx.preparedQuery("with picked as (select id from webhook_delivery where subscription_id = $1 "
                        + "and event_type <> '" + TEST_EVENT + "' "
                        + "and ($2::bigint is null or id = $2) and ($3::timestamptz is null or occurred_at >= $3) "
                        + "and ($4::timestamptz is null or occurred_at < $4) and (status <> 'PENDING' or ($6 and (lease_until is null or lease_until < now()))) order by id limit $5 for update) "
                        + "update webhook_delivery d set status = 'PENDING', next_attempt_at = now(), first_due_at = now(), lease_until = null "
                        + "from picked where d.id = picked.id")
                        // a disabled subscription's pending deliveries wait for it: replaying them sends them now (not one
                        // whose attempt is still open: its lease stands, so it is never sent twice at once)
                        .execute(Tuple.from(Arrays.asList(id, one, one == null ? utc(from) : null, one == null ? utc(to) : null, MAX_REPLAY,
                                "DISABLED".equals(s.status())))))
                .flatMap(rows -> {
                    int count = rows.rowCount();
                    if (one != null && count == 0) {
                        throw new Refusal(ErrorCode.NOT_FOUND, "No such delivery of this subscription, or it is still pending, or it is "
                                + "a test event (send a new one)", "input", "deliveryId");
                    }
                    return tx.preparedQuery("update webhook_subscription set status = 'ACTIVE', consecutive_failures = 0, disabled_reason = null, "
                            + "disabled_at = null where id = $1 and status = 'DISABLED'").execute(Tuple.of(id))
                            .flatMap(ignored -> find(tx, id)).map(s -> new Replayed(s, count));
                })
                .call(r -> adminLog.append(tx, audit.target("webhookSubscription", id))));
    }

    /**
     * {@link #owned}, read under the subscription's lock (held to the end of the transaction {@code tx}): changes of one
     * subscription run one at a time, each reading what the one before committed.
     */
    private Uni<Subscription> ownedLocked(SqlClient tx, Caller caller, UUID id) {
        return com.coinstream.db.AdvisoryLocks.exclusive(tx, com.coinstream.db.AdvisoryLocks.Namespace.SUBSCRIPTION, id.toString())
                // (its row too, shared: the dispatcher disables a subscription by a plain update of the row, without the
                // lock above, so a status read here stands until this transaction ends, or is read as that update left it)
                .flatMap(locked -> owned(tx, caller, id, " for share"));
    }

    /** The subscription {@code id} of the caller (an admin's: anyone's), not deleted; else NOT_FOUND. */
    private Uni<Subscription> owned(SqlClient client, Caller caller, UUID id) {
        return owned(client, caller, id, "");
    }

    private Uni<Subscription> owned(SqlClient client, Caller caller, UUID id, String lock) {
        return client.preparedQuery("select " + COLUMNS + " from webhook_subscription where id = $1 and status <> 'DELETED'" + lock)
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

    /** A delivery's id as shown: its row number sealed (it told how many deliveries the platform made). */
    public static String deliveryId(long row) {
        return com.coinstream.domain.SealedIds.of(DELIVERY, row);
    }

    private static Long deliveryNumber(String deliveryId) {
        long row = com.coinstream.domain.SealedIds.row(DELIVERY, deliveryId);
        if (row < 0) {
            throw new Refusal(ErrorCode.NOT_FOUND, "No such delivery of this subscription", "input", "deliveryId");
        }
        return row;
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
