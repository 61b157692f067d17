package com.coinstream.ledger;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.domain.Page;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** A user's ledger lines, newest first, by cursor. */
@ApplicationScoped
public class LedgerHistory {
    /** The name the history's cursors are made with (Page). */
    private static final String LIST = "ledgerHistory";
    private final Pool pool;

    /**
     * A person's postings, newest first, from the index by account. Every posting of an account a person owns is in
     * that index ({@code by_account}, V41: only the platform's own postings stay out of it), and saying so is what lets
     * PostgreSQL use a partial index. Public for PostingReadsTest, which checks every read by account uses it.
     */
    /**
     * A reversal's entry is one for the whole purchase: its lines on each creator's diamonds show neither its cause (the
     * reversal's id) nor the purchase (memos written before it left the id out), so two creators comparing their lines
     * cannot tie a named gift to an anonymous one. The buyer's own lines show both.
     */
    public static final String LINES = """
            select p.id, p.amount, a.asset, a.purpose, e.kind,
                   case when e.kind = 'REVERSAL' and a.asset = 'DIAMOND' then null else e.cause_id end as cause_id,
                   case when e.kind = 'REVERSAL' and a.asset = 'DIAMOND' then regexp_replace(e.memo, ' of purchase \\S+$', ' of a purchase')
                        else e.memo end as memo,
                   e.created_at
            from posting p
            join ledger_account a on a.id = p.account_id
            join journal_entry e on e.id = p.entry_id
            where p.account_id in (select id from ledger_account where owner_id = $1) and p.by_account and p.id < $2
            order by p.id desc
            limit $3
            """;

    public LedgerHistory(Pool pool) {
        this.pool = pool;
    }

    public Uni<Page<LedgerLine>> linesOf(String ownerId, Integer first, String after) {
        int limit = Page.size(first);
        long before = Page.after(LIST, after);
        return pool.preparedQuery(LINES).execute(Tuple.of(ownerId, before, limit + 1)).map(rows -> {
            List<LedgerLine> lines = new ArrayList<>();
            for (Row r : rows) {
                long id = r.getLong("id");
                lines.add(new LedgerLine(id, Page.cursor(LIST, id), r.getString("kind"), r.getString("asset"),
                        r.getString("purpose"), r.getLong("amount"), r.getUUID("cause_id"), r.getString("memo"),
                        r.getOffsetDateTime("created_at").toInstant()));
            }
            return Page.of(LIST, lines, limit, before != Long.MAX_VALUE, LedgerLine::position);
        });
    }
}
