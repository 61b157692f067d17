package com.coinstream.statements;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.db.Cursors;
import com.coinstream.db.Transactions;
import com.coinstream.domain.BadInput;
import com.coinstream.domain.Times;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.tuples.Tuple3;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A creator's monthly statement (UTC calendar month), computed from the ledger's postings on the creator's diamond
 * accounts: the balances at the month's start and end, and every flow between them by the kind of entry that made it.
 * By construction closing = opening + flows, per account.
 */
@ApplicationScoped
public class Statements {
    /** Public for PostingReadsTest: a read of postings by account says {@code by_account} (see LedgerHistory.LINES). */
    public static final String FIGURES = """
            with accounts as (select id, purpose from ledger_account where owner_id = $1
                              and purpose in ('DIAMONDS_PENDING', 'DIAMONDS_AVAILABLE', 'DIAMONDS_IN_PAYOUT')),
            moves as (select a.purpose, e.kind, e.created_at, p.amount
                      from accounts a join posting p on p.account_id = a.id and p.by_account
                      join journal_entry e on e.id = p.entry_id
                      where e.created_at < $3)
            select
              coalesce(sum(amount) filter (where purpose = 'DIAMONDS_PENDING' and created_at < $2), 0) as opening_pending,
              coalesce(sum(amount) filter (where purpose = 'DIAMONDS_AVAILABLE' and created_at < $2), 0) as opening_available,
              coalesce(sum(amount) filter (where purpose = 'DIAMONDS_IN_PAYOUT' and created_at < $2), 0) as opening_in_payout,
              coalesce(sum(amount) filter (where purpose = 'DIAMONDS_PENDING'), 0) as closing_pending,
              coalesce(sum(amount) filter (where purpose = 'DIAMONDS_AVAILABLE'), 0) as closing_available,
              coalesce(sum(amount) filter (where purpose = 'DIAMONDS_IN_PAYOUT'), 0) as closing_in_payout,
              coalesce(sum(amount) filter (where created_at >= $2 and purpose = 'DIAMONDS_PENDING' and kind = 'GIFT'), 0) as earned,
              coalesce(-sum(amount) filter (where created_at >= $2 and purpose = 'DIAMONDS_PENDING' and kind = 'REVERSAL'), 0) as reversed,
              coalesce(sum(amount) filter (where created_at >= $2 and purpose = 'DIAMONDS_AVAILABLE' and kind = 'MATURITY'), 0) as matured,
              coalesce(-sum(amount) filter (where created_at >= $2 and purpose = 'DIAMONDS_AVAILABLE' and kind = 'PAYOUT'), 0) as payouts_requested,
              coalesce(-sum(amount) filter (where created_at >= $2 and purpose = 'DIAMONDS_IN_PAYOUT' and kind = 'PAYOUT_PAID'), 0) as paid_out,
              coalesce(sum(amount) filter (where created_at >= $2 and purpose = 'DIAMONDS_AVAILABLE' and kind = 'PAYOUT_REVERSAL'), 0) as payouts_returned
            from moves
            """;

    private final Pool pool;
    private final Cursors cursors;

    public Statements(Pool pool, Cursors cursors) {
        this.pool = pool;
        this.cursors = cursors;
    }

    public record Balances(long pending, long available, long inPayout) {
    }

    public record StreamLine(UUID streamId, String title, Instant startedAt, long gifts, long diamonds) {
    }

    public record PayoutLine(UUID payoutId, String status, long diamonds, long amountMinor, String currency, String externalReference,
            Instant closedAt) {
    }

    /** The streams of the month past the {@link #MAX_STREAM_LINES} listed, summed: how many, their gifts and their diamonds. */
    public record OtherStreams(long streams, long gifts, long diamonds) {
    }

    public record Statement(String month, Instant from, Instant to, Balances opening, Balances closing, long earned, long reversed,
            long matured, long payoutsRequested, long paidOut, long payoutsReturned, List<StreamLine> streams, OtherStreams otherStreams,
            List<PayoutLine> payouts) {
    }

    /**
     * The most stream lines a statement lists, those that earned most (in start order); the rest are summed in one
     * ({@link OtherStreams}): a creator who starts and ends streams in a loop, each given a gift, does not make a statement
     * outgrow the heap, and the lines still add up to what the month earned.
     */
    public static final int MAX_STREAM_LINES = 1000;

    /**
     * Statements one creator has built at once on an instance: each reads all their postings (seconds, for a large
     * creator) on a connection of the API's pool, so aliases in one request, or a loop, never take the pool.
     */
    static final int STATEMENTS_AT_ONCE = 2;
    private final com.coinstream.domain.AtOnce.PerKey building = new com.coinstream.domain.AtOnce.PerKey(STATEMENTS_AT_ONCE,
            () -> new com.coinstream.domain.Refusal(com.coinstream.domain.ErrorCode.RATE_LIMITED,
                    "Your statements are being built right now; ask again once they are done"));

    /** "YYYY-MM", or BAD_USER_INPUT. */
    public static YearMonth month(String text) {
        try {
            if (text != null && text.matches("\\d{4}-\\d{2}")) {
                YearMonth month = YearMonth.parse(text);
                // the DateTime window (README "Input rules"): its first and last instants inside it
                if (Times.inWindow(month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC))
                        && Times.inWindow(month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC))) {
                    return month;
                }
                throw new BadInput("month must be from " + YearMonth.from(Times.EARLIEST.atOffset(ZoneOffset.UTC)) + " to "
                        + YearMonth.from(Times.LATEST.atOffset(ZoneOffset.UTC)).minusMonths(1));
            }
        } catch (DateTimeParseException e) {
            // refused below
        }
        throw new BadInput("month must be YYYY-MM (a UTC calendar month)");
    }

    public Uni<Statement> statement(String creatorId, YearMonth month) {
        return statement(creatorId, month, MAX_STREAM_LINES);
    }

    /** {@link #statement(String, YearMonth)} listing at most {@code maxStreamLines} streams (tests use a few). */
    Uni<Statement> statement(String creatorId, YearMonth month, int maxStreamLines) {
        OffsetDateTime from = month.atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        OffsetDateTime to = month.plusMonths(1).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        // one snapshot: the figures, the streams' lines and the payouts agree with each other while gifts commit
        return building.run(creatorId, () -> Transactions.snapshot(pool, conn -> statement(conn, creatorId, month, from, to, maxStreamLines)));
    }

    private static Uni<Statement> statement(SqlConnection conn, String creatorId, YearMonth month, OffsetDateTime from, OffsetDateTime to,
            int maxStreamLines) {
        Uni<Row> figures = conn.preparedQuery(FIGURES).execute(Tuple.of(creatorId, from, to)).map(rows -> rows.iterator().next());
        // the streams that earned most, and the rest summed in the one row that always comes (with no stream line, when none)
        Uni<Streams> streams = conn.preparedQuery("""
                with per as (select g.stream_id, count(*) as gifts, sum(g.diamonds) as diamonds
                             from gift_event g join journal_entry e on e.id = g.entry_id
                             where g.creator_id = $1 and e.created_at >= $2 and e.created_at < $3 group by g.stream_id),
                     top as (select * from per order by diamonds desc, stream_id limit $4),
                     rest as (select count(*) as streams, coalesce(sum(gifts), 0)::bigint as gifts, coalesce(sum(diamonds), 0)::bigint as diamonds
                              from per where stream_id not in (select stream_id from top))
                select t.stream_id, s.title, s.started_at, t.gifts, t.diamonds, r.streams as other_streams, r.gifts as other_gifts,
                       r.diamonds as other_diamonds
                from rest r left join (top t join live_stream s on s.id = t.stream_id) on true order by s.started_at, t.stream_id
                """).execute(Tuple.of(creatorId, from, to, maxStreamLines)).map(rows -> {
                    List<StreamLine> lines = new ArrayList<>();
                    OtherStreams others = null;
                    for (Row r : rows) {
                        if (others == null) {
                            others = new OtherStreams(r.getLong("other_streams"), r.getLong("other_gifts"), r.getLong("other_diamonds"));
                        }
                        if (r.getUUID("stream_id") != null) {
                            lines.add(new StreamLine(r.getUUID("stream_id"), r.getString("title"), r.getOffsetDateTime("started_at").toInstant(),
                                    r.getLong("gifts"), r.getLong("diamonds")));
                        }
                    }
                    return new Streams(lines, others);
                });
        Uni<List<PayoutLine>> payouts = conn.preparedQuery("""
                select p.id, p.status, p.diamonds, p.amount_minor, p.currency, p.external_reference, e.created_at
                from payout p join journal_entry e on e.id = p.closing_entry_id
                where p.creator_id = $1 and e.created_at >= $2 and e.created_at < $3 order by e.created_at, p.id
                """).execute(Tuple.of(creatorId, from, to)).map(rows -> {
                    List<PayoutLine> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new PayoutLine(r.getUUID("id"), r.getString("status"), r.getLong("diamonds"),
                            r.getLong("amount_minor"), r.getString("currency"), r.getString("external_reference"),
                            r.getOffsetDateTime("created_at").toInstant())));
                    return out;
                });
        // (one after the other: a connection runs one statement at a time)
        return figures.flatMap(f -> streams.flatMap(st -> payouts.map(p -> Tuple3.of(f, st, p)))).map(t -> {
            Row f = t.getItem1();
            return new Statement(month.toString(), from.toInstant(), to.toInstant(),
                    new Balances(f.getLong("opening_pending"), f.getLong("opening_available"), f.getLong("opening_in_payout")),
                    new Balances(f.getLong("closing_pending"), f.getLong("closing_available"), f.getLong("closing_in_payout")),
                    f.getLong("earned"), f.getLong("reversed"), f.getLong("matured"), f.getLong("payouts_requested"), f.getLong("paid_out"),
                    f.getLong("payouts_returned"), t.getItem2().lines(), t.getItem2().others(), t.getItem3());
        });
    }

    /** A statement's stream lines, and the rest summed (the query's one row that always comes). */
    private record Streams(List<StreamLine> lines, OtherStreams others) {
    }

    /**
     * A person's purchases, gifts sent and returned, and refunds, oldest first, streamed (the viewer's history export). Each
     * row is what it did to their wallet and their money, so the columns add up: a purchase counts its coins and price only
     * once it was credited (its PURCHASE entry; one pending, failed, or refunded before it succeeded, shows 0), a gift its
     * coins out, a gift a refund reversed its coins back (a row of its own, when the reversal was booked), a refund or a
     * chargeback the coins it took back and the money returned, both negative (no money for a purchase never credited), a
     * grant its coins in, a debt repaid the coins a purchase paid it with.
     */
    public Multi<Row> history(String userId) {
        return cursors.stream("""
                select * from (
                    select p.created_at as at, 'purchase' as kind, p.id::text as id,
                           case when credited.yes then p.coins else 0 end as coins,
                           case when credited.yes then p.price_minor else 0 end as amount_minor, p.currency, p.status as detail
                    from purchase p
                    cross join lateral (select exists (select from journal_entry e where e.cause_id = p.id and e.kind = 'PURCHASE')) credited(yes)
                    where p.user_id = $1
                    union all
                    select g.created_at, 'gift', g.id::text, -g.coins, null, null,
                           c.name || ' x' || g.quantity || ' to ' || u.display_name || case when g.anonymous then ' (anonymous)' else '' end
                           || case when g.reversed_entry_id is not null then ' (reversed)' else '' end
                    from gift_event g join gift c on c.id = g.gift_id join app_user u on u.id = g.creator_id where g.sender_id = $1
                    union all
                    select e.created_at, 'gift returned', g.id::text, g.coins, null, null,
                           c.name || ' x' || g.quantity || ' reversed: its coins came back'
                    from gift_event g join gift c on c.id = g.gift_id join journal_entry e on e.id = g.reversed_entry_id
                    where g.sender_id = $1 and g.reversed_entry_id is not null
                    union all
                    select r.created_at, lower(r.kind), r.purchase_id::text, -r.coins_clawed_back,
                           case when exists (select from journal_entry e where e.cause_id = p.id and e.kind = 'PURCHASE') then -p.price_minor else 0 end,
                           p.currency, 'coin debt ' || r.coin_debt
                    from purchase_reversal r join purchase p on p.id = r.purchase_id where p.user_id = $1
                    union all
                    -- the other movements of their wallet: coins an admin granted (with the reason, as their transactions
                    -- show it), and coins a purchase repaid a debt with
                    select e.created_at, case when e.kind = 'GRANT' then 'grant' else 'debt repaid' end, e.cause_id::text, m.amount, null, null, e.memo
                    from ledger_account a join posting m on m.account_id = a.id and m.by_account join journal_entry e on e.id = m.entry_id
                    where a.owner_id = $1 and a.purpose = 'WALLET' and e.kind in ('GRANT', 'DEBT_SETTLEMENT')
                ) h order by at, kind, id
                """, Tuple.of(userId));
    }

    /** Every gift the creator received in the month, oldest first, streamed from a cursor (constant memory). */
    public Multi<Row> giftsReceived(String creatorId, YearMonth month) {
        OffsetDateTime from = month.atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        OffsetDateTime to = month.plusMonths(1).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        return cursors.stream("""
                select g.created_at, g.id, g.stream_id, c.name as gift, g.quantity, g.coins, g.diamonds,
                       case when g.anonymous then 'Anonymous' else u.display_name end as sender, g.reversed_entry_id is not null as reversed
                from gift_event g join gift c on c.id = g.gift_id join app_user u on u.id = g.sender_id
                where g.creator_id = $1 and g.created_at >= $2 and g.created_at < $3 order by g.created_at, g.seq
                """, Tuple.of(creatorId, from, to));
    }
}
