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
    private final Pool pool;
    private final LedgerAuditor ledger;

    public RecordsAudit(Pool pool, LedgerAuditor ledger) {
        this.pool = pool;
        this.ledger = ledger;
    }

    public Uni<LedgerAudit> audit() {
        return Transactions.snapshot(pool, conn -> ledger.audit(conn)
                .flatMap(report -> records(conn).map(found -> report.with(found, LedgerAuditor.MISMATCH_LIMIT))));
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
