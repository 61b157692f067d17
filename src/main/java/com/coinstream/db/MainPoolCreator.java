package com.coinstream.db;

import java.util.ArrayList;

import jakarta.inject.Singleton;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnectOptions;

/**
 * The application's reactive pool, as Quarkus configures it, except that long statements (the ledger's
 * entry statement is one) stay in the prepared-statement cache instead of being re-planned every time.
 */
@Singleton
public class MainPoolCreator implements PgPoolCreator {
    static final int STATEMENT_CACHE_SQL_LIMIT = 65_536;
    private volatile PgConnectOptions connectOptions;

    @Override
    public Pool create(Input input) {
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            options.setPreparedStatementCacheSqlLimit(STATEMENT_CACHE_SQL_LIMIT);
        }
        connectOptions = new PgConnectOptions(input.pgConnectOptionsList().get(0));
        return PgBuilder.pool().with(input.poolOptions()).connectingTo(new ArrayList<SqlConnectOptions>(input.pgConnectOptionsList()))
                .using(input.vertx()).build();
    }

    /** A copy of the main pool's connect options (database, user, password, TLS), once that pool exists. */
    PgConnectOptions connectOptions() {
        PgConnectOptions known = connectOptions;
        if (known == null) {
            throw new IllegalStateException("the main pool was not created yet");
        }
        return new PgConnectOptions(known);
    }
}
