package com.coinstream.gifting;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.catalogue.GiftCatalogue;
import com.coinstream.domain.Money;
import com.coinstream.domain.Page;

import com.coinstream.identity.SupporterBoard;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Reads of sent gifts, and the creator's acknowledgement (the one thing about a gift that changes). */
@ApplicationScoped
public class GiftEvents {
    private static final String COLUMNS = """
            id, seq, stream_id, gift_id, sender_id, creator_id, quantity, unit_coins, coins, diamonds, commission,
            rate_version, value_minor, value_currency, created_at, acknowledged_at, anonymous""";
    private static final String FEED_COLUMNS = """
            g.id, g.stream_id, g.stream_seq, g.gift_id, g.unit_coins, g.quantity, g.coins, g.stream_total, g.created_at,
            g.acknowledged_at, g.sender_id, g.anonymous, case when g.anonymous then 'Anonymous' else u.display_name end as display_name""";
    private final Pool pool;
    private final GiftCatalogue catalogue;

    public GiftEvents(Pool pool, GiftCatalogue catalogue) {
        this.pool = pool;
        this.catalogue = catalogue;
    }

    /** A stream's gift events after sequence number {@code after}, in order, as the live feed showed them. */
    public Uni<List<GiftEvent>> inStream(UUID streamId, long after, int limit) {
        return pool.preparedQuery("select " + FEED_COLUMNS + """
                 from gift_event g join app_user u on u.id = g.sender_id
                where g.stream_id = $1 and g.stream_seq > $2 order by g.stream_seq limit $3
                """).execute(Tuple.of(streamId, after, limit)).map(rows -> {
            List<GiftEvent> list = new ArrayList<>();
            rows.forEach(r -> list.add(feedEvent(r)));
            return list;
        });
    }

    /** A stream's latest {@code limit} gift events, oldest first. */
    public Uni<List<GiftEvent>> latest(UUID streamId, int limit) {
        return pool.preparedQuery("select * from (select " + FEED_COLUMNS + """
                 from gift_event g join app_user u on u.id = g.sender_id
                where g.stream_id = $1 order by g.stream_seq desc limit $2) e order by stream_seq
                """).execute(Tuple.of(streamId, limit)).map(rows -> {
            List<GiftEvent> list = new ArrayList<>();
            rows.forEach(r -> list.add(feedEvent(r)));
            return list;
        });
    }

    /** One gift event as the live feed shows it, from a row of FEED_COLUMNS. */
    private GiftEvent feedEvent(Row r) {
        UUID giftId = r.getUUID("gift_id");
        OffsetDateTime ack = r.getOffsetDateTime("acknowledged_at");
        UUID streamId = r.getUUID("stream_id");
        return new GiftEvent(streamId, giftId, catalogue.find(giftId).map(g -> g.name()).orElse(""), r.getLong("unit_coins"),
                r.getString("sender_id"), r.getBoolean("anonymous"),
                r.getUUID("id").toString(), streamId.toString(), r.getLong("stream_seq"), r.getInteger("quantity"), r.getLong("coins"),
                r.getString("display_name"), r.getLong("stream_total"), r.getOffsetDateTime("created_at").toInstant(),
                ack == null ? null : ack.toInstant());
    }

    public Uni<Optional<GiftReceipt>> byId(SqlClient client, UUID id) {
        return client.preparedQuery("select " + COLUMNS + " from gift_event where id = $1").execute(Tuple.of(id))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(receipt(rows.iterator().next())) : Optional.empty());
    }

    public Uni<Optional<GiftReceipt>> byId(UUID id) {
        return byId(pool, id);
    }

    /** The sender's wallet right after the gift (null for gifts sent before it was recorded). */
    public Uni<Long> walletAfter(UUID id) {
        return pool.preparedQuery("select wallet_after from gift_event where id = $1").execute(Tuple.of(id))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getLong(0) : null);
    }

    public Uni<Page<GiftReceipt>> sentBy(String senderId, Integer first, String after) {
        return page("sender_id", senderId, first, after);
    }

    public Uni<Page<GiftReceipt>> receivedBy(String creatorId, Integer first, String after) {
        return page("creator_id", creatorId, first, after).map(p -> p.map(GiftReceipt::asReceived));
    }

    private Uni<Page<GiftReceipt>> page(String ownerColumn, String owner, Integer first, String after) {
        int limit = Page.size(first);
        long before = Page.after("gifts:" + ownerColumn, after);
        return pool.preparedQuery("select " + COLUMNS + " from gift_event where " + ownerColumn
                + " = $1 and seq < $2 order by seq desc limit $3").execute(Tuple.of(owner, before, limit + 1))
                .map(rows -> Page.of("gifts:" + ownerColumn, receipts(rows), limit, before != Long.MAX_VALUE, GiftReceipt::position));
    }

    /** A gift thanked: the event as the live feed shows it, and whether this call thanked it (false: it had been thanked already). */
    public record Acknowledged(GiftEvent event, boolean now) {
    }

    /**
     * Thanks the creator's gift once: the first call sets acknowledged_at; any other (racing, or later) finds it set and
     * changes nothing. Empty when the gift is not the creator's. The event comes from the update's own row (one
     * statement: nothing read after the change committed can fail and answer an error for a gift that was thanked).
     */
    public Uni<Optional<Acknowledged>> acknowledge(String creatorId, UUID eventId, Instant at) {
        return pool.preparedQuery("update gift_event g set acknowledged_at = $3 from app_user u "
                + "where g.id = $1 and g.creator_id = $2 and g.acknowledged_at is null and u.id = g.sender_id returning " + FEED_COLUMNS)
                .execute(Tuple.of(eventId, creatorId, OffsetDateTime.ofInstant(at, ZoneOffset.UTC)))
                .flatMap(rows -> rows.iterator().hasNext()
                        ? Uni.createFrom().item(Optional.of(new Acknowledged(feedEvent(rows.iterator().next()), true)))
                        : pool.preparedQuery("select " + FEED_COLUMNS + " from gift_event g join app_user u on u.id = g.sender_id "
                                + "where g.id = $1 and g.creator_id = $2")
                                .execute(Tuple.of(eventId, creatorId))
                                .map(found -> found.iterator().hasNext()
                                        ? Optional.of(new Acknowledged(feedEvent(found.iterator().next()), false)) : Optional.empty()));
    }

    /** {@code anonymous}: the supporter's anonymous gifts, shown as "Anonymous". */
    public record Supporter(String userId, String displayName, long coins, long gifts, boolean anonymous) {
    }

    /** A stream's biggest supporters, from its rollup (V11): one index range read, whatever the stream's history. */
    public Uni<List<Supporter>> topGifters(UUID streamId, int limit) {
        return pool.preparedQuery(SupporterBoard.ranked(
                "(select stream_id, sender_id, anonymous, coins, gifts, 0::bigint as diamonds from stream_supporter_total)",
                "t.stream_id = $1", "0", "$2")).execute(Tuple.of(streamId, limit)).map(rows -> {
            List<Supporter> top = new ArrayList<>();
            for (Row r : rows) {
                top.add(new Supporter(r.getString("sender_id"), r.getString("display_name"), r.getLong("coins"), r.getLong("gifts"),
                        r.getBoolean("anonymous")));
            }
            return top;
        });
    }

    private static List<GiftReceipt> receipts(RowSet<Row> rows) {
        List<GiftReceipt> list = new ArrayList<>();
        for (Row r : rows) {
            list.add(receipt(r));
        }
        return list;
    }

    static GiftReceipt receipt(Row r) {
        UUID id = r.getUUID("id");
        Long valueMinor = r.getLong("value_minor");
        String currency = r.getString("value_currency");
        OffsetDateTime ack = r.getOffsetDateTime("acknowledged_at");
        return new GiftReceipt(id, r.getLong("seq"), r.getUUID("gift_id"), r.getUUID("stream_id"), r.getString("sender_id"),
                r.getString("creator_id"), id.toString(), r.getInteger("quantity"), r.getLong("unit_coins"), r.getLong("coins"),
                r.getLong("diamonds"), r.getLong("commission"),
                valueMinor == null || currency == null ? null : Money.ofMinor(valueMinor, currency), r.getInteger("rate_version"),
                r.getOffsetDateTime("created_at").toInstant(), ack == null ? null : ack.toInstant(), r.getBoolean("anonymous"));
    }
}
