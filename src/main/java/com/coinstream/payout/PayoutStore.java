package com.coinstream.payout;

import static com.coinstream.domain.Times.utc;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.domain.Money;
import com.coinstream.domain.Page;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** SQL for payouts and their transitions. */
@ApplicationScoped
public class PayoutStore {
    /** The names the payouts' cursors are made with (Page): a creator's, and the admins' queue. */
    private static final String OF_CREATOR = "payouts";
    private static final String QUEUE = "payoutQueue";
    private static final String COLUMNS = "id, seq, creator_id, payout_account_id, diamonds, amount_minor, currency, rate_version, "
            + "status, requested_at, expected_by, external_reference, reason";
    private final Pool pool;

    public PayoutStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> insert(SqlClient tx, Payout p, LocalDate day, long entryId) {
        return tx.preparedQuery("insert into payout (id, creator_id, payout_account_id, diamonds, amount_minor, currency, "
                + "rate_version, status, payout_day, requested_at, expected_by, entry_id) "
                + "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
                .execute(Tuple.tuple().addUUID(p.uuid()).addString(p.creatorId()).addUUID(p.payoutAccountId()).addLong(p.diamonds())
                        .addLong(p.amount().minorUnits()).addString(p.amount().getCurrency()).addInteger(p.rateVersion())
                        .addString(p.state().name()).addLocalDate(day).addOffsetDateTime(utc(p.requestedAt()))
                        .addOffsetDateTime(utc(p.expectedBy())).addLong(entryId))
                .replaceWithVoid();
    }

    public Uni<Void> transition(SqlClient tx, UUID payoutId, PayoutStatus from, PayoutStatus to, String actor, String reason, Instant at) {
        // (never before the payout's latest move: an action's time is read before it waits for the payout's row lock, and
        // a move committed meanwhile by another admin, an approval, must stay before it in the payout's history, which is
        // ordered by time: strictly after it)
        return tx.preparedQuery("insert into payout_transition (payout_id, from_status, to_status, actor, reason, at) "
                + "select $1, $2, $3, $4, $5, greatest($6::timestamptz, (select max(t.at) + interval '1 microsecond' from payout_transition t where t.payout_id = $1))")
                .execute(Tuple.of(payoutId, from == null ? null : from.name(), to.name(), actor, reason, utc(at))).replaceWithVoid();
    }

    public Uni<Void> close(SqlClient tx, UUID payoutId, PayoutStatus to, String externalReference, String reason, Long closingEntryId) {
        return tx.preparedQuery("update payout set status = $2, external_reference = coalesce($3, external_reference), "
                + "reason = coalesce($4, reason), closing_entry_id = coalesce($5, closing_entry_id) where id = $1")
                .execute(Tuple.of(payoutId, to.name(), externalReference, reason, closingEntryId)).replaceWithVoid();
    }

    /** The diamonds the creator's payouts of a UTC day already take, in any currency (not rejected or failed). */
    public Uni<Long> diamondsRequestedOn(SqlClient tx, String creatorId, LocalDate day) {
        return tx.preparedQuery("select coalesce(sum(diamonds), 0)::bigint from payout where creator_id = $1 and payout_day = $2 "
                + "and status not in ('REJECTED', 'FAILED')")
                .execute(Tuple.of(creatorId, day)).map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<Optional<Payout>> find(SqlClient client, UUID id, boolean forUpdate) {
        return client.preparedQuery("select " + COLUMNS + " from payout where id = $1" + (forUpdate ? " for update" : ""))
                .execute(Tuple.of(id)).map(rows -> rows.iterator().hasNext() ? Optional.of(payout(rows.iterator().next())) : Optional.empty());
    }

    public Uni<Optional<Payout>> find(UUID id) {
        return find(pool, id, false);
    }

    public Uni<Page<Payout>> ofCreator(String creatorId, Integer first, String after) {
        int limit = Page.size(first);
        long before = Page.after(OF_CREATOR, after);
        return pool.preparedQuery("select " + COLUMNS + " from payout where creator_id = $1 and seq < $2 order by seq desc limit $3")
                .execute(Tuple.of(creatorId, before, limit + 1))
                .map(rows -> Page.of(OF_CREATOR, payouts(rows), limit, before != Long.MAX_VALUE, Payout::position));
    }

    /** Oldest first: the order an operator works through them. */
    /** Payouts in {@code status}, oldest first; only {@code creatorId}'s when it is not null. */
    public Uni<Page<Payout>> queue(PayoutStatus status, String creatorId, Integer first, String after) {
        int limit = Page.size(first);
        long afterSeq = after == null || after.isEmpty() ? 0 : Page.after(QUEUE, after);
        return pool.preparedQuery("select " + COLUMNS + " from payout where status = $1 and seq > $2 "
                + "and ($4::text is null or creator_id = $4) order by seq limit $3")
                .execute(Tuple.of(status.name(), afterSeq, limit + 1, creatorId))
                .map(rows -> Page.of(QUEUE, payouts(rows), limit, afterSeq != 0, Payout::position));
    }

    /** Who made the payout's move to {@code to} (its latest such), or null. */
    /** Who last moved a payout to {@code to}, and with what reason or reference (as typed). */
    public record Move(String actor, String reason) {
    }

    public Uni<Move> lastMove(SqlClient tx, UUID id, PayoutStatus to) {
        return tx.preparedQuery("select actor, reason from payout_transition where payout_id = $1 and to_status = $2 order by at desc limit 1")
                .execute(Tuple.of(id, to.name())).map(rows -> rows.iterator().hasNext()
                        ? new Move(rows.iterator().next().getString(0), rows.iterator().next().getString(1)) : null);
    }

    public Uni<Map<UUID, List<Payout.Transition>>> transitions(List<UUID> ids) {
        // (an erased admin by the pseudonymous id their profile shows: the creator reads these)
        return pool.preparedQuery("select payout_id, from_status, to_status, shown_id(actor) as actor, reason, at from payout_transition "
                + "where payout_id = any($1) order by at").execute(Tuple.of(ids.toArray(UUID[]::new))).map(rows -> {
                    Map<UUID, List<Payout.Transition>> found = new HashMap<>();
                    for (Row r : rows) {
                        found.computeIfAbsent(r.getUUID("payout_id"), k -> new ArrayList<>()).add(new Payout.Transition(
                                r.getString("from_status"), r.getString("to_status"), r.getString("actor"), r.getString("reason"),
                                r.getOffsetDateTime("at").toInstant()));
                    }
                    return found;
                });
    }

    private static List<Payout> payouts(RowSet<Row> rows) {
        List<Payout> list = new ArrayList<>();
        for (Row r : rows) {
            list.add(payout(r));
        }
        return list;
    }

    private static Payout payout(Row r) {
        UUID id = r.getUUID("id");
        return new Payout(id, r.getLong("seq"), r.getString("creator_id"), r.getUUID("payout_account_id"), id.toString(),
                PayoutStatus.valueOf(r.getString("status")), r.getLong("diamonds"), Money.ofMinor(r.getLong("amount_minor"), r.getString("currency")),
                r.getInteger("rate_version"), r.getOffsetDateTime("requested_at").toInstant(),
                r.getOffsetDateTime("expected_by").toInstant(), r.getString("external_reference"), r.getString("reason"));
    }


    /**
     * A provider's reference marks one payout paid, never two: a second payout marked paid with it would record one
     * transfer as two (counted under the reference's own lock, so two admins marking two payouts with it at once are
     * judged one after the other).
     */
    public Uni<Void> referenceUnused(SqlClient tx, String reference) {
        return com.coinstream.db.Quotas.reserve(tx, "payout-reference", reference,
                "select count(*) from payout where external_reference = $1 and status = 'PAID'", 1,
                () -> new com.coinstream.domain.Refusal(com.coinstream.domain.ErrorCode.INVALID_INPUT, "This provider reference "
                        + "already marked another payout paid; each transfer has its own", "input", "externalReference"));
    }
}
