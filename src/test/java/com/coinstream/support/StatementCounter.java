package com.coinstream.support;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.PreparedQuery;
import io.vertx.mutiny.sqlclient.Query;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;

/**
 * Counts SQL statements the application sends through the shared reactive pool, so tests can prove
 * N+1 bounds. Wraps the real pool; it does not replace the database.
 */
@ApplicationScoped
public class StatementCounter {
    private static final AtomicLong STATEMENTS = new AtomicLong();

    public static long count() {
        return STATEMENTS.get();
    }

    @Produces
    @Alternative
    @Priority(1)
    @ApplicationScoped
    Pool countingPool(io.vertx.sqlclient.Pool real) {
        return new io.vertx.mutiny.sqlclient.Pool(real) {
            @Override
            public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
                STATEMENTS.incrementAndGet();
                return super.preparedQuery(sql);
            }

            @Override
            public Query<RowSet<Row>> query(String sql) {
                STATEMENTS.incrementAndGet();
                return super.query(sql);
            }
        };
    }
}
