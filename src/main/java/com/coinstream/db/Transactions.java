package com.coinstream.db;

import java.util.function.Function;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;

/**
 * Transactions that PostgreSQL may abort for concurrency alone (a deadlock, a serialization failure)
 * are run again, from the start: such an abort has rolled everything back, and the work re-reads what
 * it depends on. Without this, a lost race would reach the client as INTERNAL, or leave a charged
 * purchase PENDING.
 */
public final class Transactions {
    private static final Logger LOG = Logger.getLogger(Transactions.class);
    static final int MAX_ATTEMPTS = 4;

    private Transactions() {
    }

    public static <T> Uni<T> retrying(Pool pool, Function<SqlConnection, Uni<T>> work) {
        return attempt(pool, work, 1);
    }

    private static <T> Uni<T> attempt(Pool pool, Function<SqlConnection, Uni<T>> work, int attempt) {
        return pool.withTransaction(work).onFailure(e -> attempt < MAX_ATTEMPTS && isConcurrencyAbort(e)).recoverWithUni(e -> {
            LOG.debugf("transaction retried (attempt %d) after %s", attempt + 1, e.getMessage());
            return attempt(pool, work, attempt + 1);
        });
    }

    /**
     * {@code work} in one read-only repeatable-read transaction: everything it reads is one consistent snapshot (an audit,
     * a statement whose figures, streams and payouts must agree while gifts commit).
     */
    public static <T> Uni<T> snapshot(Pool pool, Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(conn -> conn.query("set transaction isolation level repeatable read, read only").execute()
                .flatMap(ignored -> work.apply(conn)));
    }

    /** Deadlock detected (40P01) or serialization failure (40001). */
    public static boolean isConcurrencyAbort(Throwable e) {
        return e instanceof PgException pg && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()));
    }
}
