package com.coinstream.webhooks;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.domain.Money;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Writes events into the transactional outbox (table webhook_delivery), one row per subscription that wants the event,
 * in the caller's transaction: an event exists exactly when its change committed. gift.sent rows are written by the
 * gift batch statement itself (gift-batch-records.sql).
 */
@ApplicationScoped
public class WebhookOutbox {
    public static final String GIFT_SENT = "gift.sent";
    public static final String GOAL_REACHED = "goal.reached";
    public static final String MATCH_ENDED = "match.ended";
    public static final String PURCHASE_SUCCEEDED = "purchase.succeeded";
    public static final String PURCHASE_REVERSED = "purchase.reversed";
    public static final String PAYOUT_REQUESTED = "payout.requested";
    public static final String PAYOUT_PAID = "payout.paid";
    public static final String PAYOUT_FAILED = "payout.failed";
    public static final String HOLD_PLACED = "account.hold_placed";
    public static final String HOLD_RELEASED = "account.hold_released";

    /** Every event type, in the order the README lists them. */
    public static final List<String> EVENT_TYPES = List.of(GIFT_SENT, GOAL_REACHED, MATCH_ENDED, PURCHASE_SUCCEEDED, PURCHASE_REVERSED,
            PAYOUT_REQUESTED, PAYOUT_PAID, PAYOUT_FAILED, HOLD_PLACED, HOLD_RELEASED);
    /** What a creator may subscribe to: events about their own streams and payouts. */
    public static final Set<String> CREATOR_EVENT_TYPES = Set.of(GIFT_SENT, GOAL_REACHED, MATCH_ENDED, PAYOUT_REQUESTED, PAYOUT_PAID,
            PAYOUT_FAILED);

    /**
     * One event: {@code creatorId} scopes it (creator subscriptions see only their own; null: platform subscriptions only);
     * events with an {@code orderKey} (a stream) are delivered in {@code orderSeq} order per subscription.
     */
    public record Event(String type, UUID id, Instant at, String creatorId, UUID orderKey, Long orderSeq, JsonObject data) {
    }

    public Uni<Void> emit(SqlClient tx, Event e) {
        return tx.preparedQuery("insert into webhook_delivery (subscription_id, event_id, event_type, order_key, order_seq, occurred_at, data) "
                // (an id of an erased person in an event after the erasure: their pseudonymous id, V34)
                + "select s.id, $1, $2, $4, $5, $6, webhook_data_without_erased_ids($7::jsonb) from webhook_subscription s "
                + "where s.status = 'ACTIVE' and $2 = any(s.event_types) "
                + "and (s.creator_id is null or s.creator_id = $3)")
                .execute(Tuple.from(Arrays.asList(e.id(), e.type(), e.creatorId(), e.orderKey(), e.orderSeq(), e.at().atOffset(ZoneOffset.UTC),
                        e.data())))
                .replaceWithVoid();
    }

    public static JsonObject money(Money m) {
        return new JsonObject().put("amount", m.getAmount()).put("currency", m.getCurrency());
    }

    public static String time(Instant at) {
        return at.toString();
    }
}
