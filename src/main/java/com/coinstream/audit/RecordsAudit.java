package com.coinstream.audit;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.db.SqlResources;
import com.coinstream.db.Transactions;
import com.coinstream.ledger.LedgerAudit;
import com.coinstream.ledger.LedgerAuditor;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The full audit: the ledger's own checks, then every business record against its entries (records.sql), in one
 * repeatable-read snapshot so that concurrent money movements cannot show up as differences. A clean ledger
 * alone proves little: an entry can balance and still credit the wrong creator or forget a refund.
 */
@ApplicationScoped
public class RecordsAudit {
    static final String SQL = SqlResources.load(RecordsAudit.class, "records.sql");
    /**
     * Audits run one at a time per instance, on a connection of their own: each reads every posting and gift in a snapshot,
     * and sixteen at once held every connection the API has. One more waits for it at most {@link #WAIT}, then is
     * RATE_LIMITED.
     */
    static final java.time.Duration WAIT = java.time.Duration.ofSeconds(60);
    private final LedgerAuditor ledger;
    private final java.util.function.Supplier<Pool> pool;

    public RecordsAudit(com.coinstream.db.DedicatedPools pools, LedgerAuditor ledger) {
        this.ledger = ledger;
        this.pool = pools.lazy("audit", 1, WAIT);
    }

    public Uni<LedgerAudit> audit() {
        return com.coinstream.db.DatabaseErrors.busyPoolRefused(Transactions.snapshot(pool.get(), conn -> ledger.audit(conn)
                .flatMap(report -> records(conn).map(found -> report.with(found, LedgerAuditor.MISMATCH_LIMIT)))),
                () -> new com.coinstream.domain.Refusal(com.coinstream.domain.ErrorCode.RATE_LIMITED,
                        "Another audit has been running on this instance for a minute; try again when it has finished"));
    }

    private static Uni<List<LedgerAudit.Mismatch>> records(SqlConnection conn) {
        return conn.preparedQuery(SQL).execute().map(rows -> {
            List<LedgerAudit.Mismatch> found = new ArrayList<>();
            for (Row r : rows) {
                found.add(new LedgerAudit.Mismatch(r.getString("kind"), null, r.getLong("entry_id"), r.getString("asset"),
                        r.getLong("expected"), r.getLong("actual"), r.getString("subject"), r.getString("detail")));
            }
            return found;
        });
    }
}
