package com.coinstream.db;

import jakarta.inject.Singleton;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;

/**
 * The application's reactive pool, as Quarkus configures it, except that long statements (the ledger's
 * entry statement is one) stay in the prepared-statement cache instead of being re-planned every time.
 */
@Singleton
public class MainPoolCreator implements PgPoolCreator {
    static final int STATEMENT_CACHE_SQL_LIMIT = 65_536;

    @Override
    public Pool create(Input input) {
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            options.setPreparedStatementCacheSqlLimit(STATEMENT_CACHE_SQL_LIMIT);
        }
        return PgBuilder.pool().with(input.poolOptions()).connectingTo(new java.util.ArrayList<io.vertx.sqlclient.SqlConnectOptions>(input.pgConnectOptionsList())).using(input.vertx()).build();
    }
}
