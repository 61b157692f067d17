package com.coinstream.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.db.Transactions;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;

/** Reconciles the ledger from scratch, in one repeatable-read snapshot so concurrent writes cannot skew it. */
@ApplicationScoped
public class LedgerAuditor {
    public static final int MISMATCH_LIMIT = 100;
    private final Pool pool;

    public LedgerAuditor(Pool pool) {
        this.pool = pool;
    }

    /** The ledger's own checks, in a repeatable-read snapshot of their own. */
    public Uni<LedgerAudit> audit() {
        return Transactions.snapshot(pool, this::audit);
    }

    /** The ledger's own checks, on a connection whose transaction the caller has made repeatable-read. */
    public Uni<LedgerAudit> audit(SqlConnection conn) {
        return conn.preparedQuery("""
                        select a.asset, coalesce(sum(p.amount), 0) as posted, count(p.id) as postings
                        from posting p join ledger_account a on a.id = p.account_id group by a.asset
                        """).execute()
                .flatMap(posted -> conn.preparedQuery("""
                        select a.asset, coalesce(sum(b.balance), 0) as stored
                        from account_balance b join ledger_account a on a.id = b.account_id group by a.asset
                        """).execute().flatMap(stored -> conn.preparedQuery("""
                        select 'BALANCE_MISMATCH' as kind, coalesce(p.account_id, b.account_id) as account_id,
                               null::bigint as entry_id, a.asset, coalesce(p.total, 0) as expected, coalesce(b.balance, 0) as actual
                        from (select account_id, slot, sum(amount) as total from posting group by account_id, slot) p
                        full join account_balance b on b.account_id = p.account_id and b.slot = p.slot
                        join ledger_account a on a.id = coalesce(p.account_id, b.account_id)
                        where coalesce(p.total, 0) <> coalesce(b.balance, 0)
                        union all
                        select 'UNBALANCED_ENTRY', null, p.entry_id, a.asset, 0, sum(p.amount)
                        from posting p join ledger_account a on a.id = p.account_id
                        group by p.entry_id, a.asset having sum(p.amount) <> 0
                        union all
                        select 'NEGATIVE_BALANCE', a.id, null, a.asset, 0, sum(b.balance)
                        from account_balance b join ledger_account a on a.id = b.account_id
                        where not a.allow_negative group by a.id, a.asset having min(b.balance) < 0
                        union all
                        select 'ENTRY_WITHOUT_POSTINGS', null, e.id, '-', 0, 0
                        from journal_entry e where not exists (select 1 from posting p where p.entry_id = e.id)
                        union all
                        -- a person's posting left out of the index by account would be missing from their history,
                        -- statements and reversals (only the platform's own postings stay out of it: V41)
                        select 'POSTING_OUT_OF_INDEX', p.account_id, p.entry_id, a.asset, p.amount, 0
                        from posting p join ledger_account a on a.id = p.account_id
                        where not p.by_account and a.owner_id is not null
                        limit 100
                        """).execute().flatMap(mismatches -> conn.query("select count(*) from journal_entry").execute()
                        .map(entries -> report(posted, stored, mismatches, entries.iterator().next().getLong(0))))));
    }

    private static LedgerAudit report(RowSet<Row> posted, RowSet<Row> stored, RowSet<Row> mismatchRows, long entries) {
        var totals = new TreeMap<String, long[]>();
        long postings = 0;
        for (Row r : posted) {
            totals.computeIfAbsent(r.getString("asset"), k -> new long[2])[0] = r.getLong("posted");
            postings += r.getLong("postings");
        }
        for (Row r : stored) {
            totals.computeIfAbsent(r.getString("asset"), k -> new long[2])[1] = r.getLong("stored");
        }
        List<LedgerAudit.Mismatch> mismatches = new ArrayList<>();
        List<LedgerAudit.AssetTotals> assets = new ArrayList<>();
        totals.forEach((asset, t) -> {
            assets.add(new LedgerAudit.AssetTotals(asset, t[0], t[1]));
            if (t[0] != 0 || t[1] != 0) {
                mismatches.add(new LedgerAudit.Mismatch("UNBALANCED_ASSET", null, null, asset, 0, t[0] != 0 ? t[0] : t[1], null, null));
            }
        });
        for (Row r : mismatchRows) {
            if (mismatches.size() >= MISMATCH_LIMIT) {
                break;
            }
            mismatches.add(new LedgerAudit.Mismatch(r.getString("kind"), r.getLong("account_id"), r.getLong("entry_id"),
                    r.getString("asset"), r.getLong("expected"), r.getLong("actual"), null, null));
        }
        return new LedgerAudit(mismatches.isEmpty(), mismatches.isEmpty(), assets, mismatches, entries, postings);
    }
}
