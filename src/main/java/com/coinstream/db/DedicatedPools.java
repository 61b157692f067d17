package com.coinstream.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.gifting.GiftBatchStore;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

/**
 * Small connection pools with their own session settings, on the same database as the main pool (its very
 * connect options, copied). Used where a setting must differ from the application default.
 */
@ApplicationScoped
public class DedicatedPools {
    private final Vertx vertx;
    private final MainPoolCreator main;
    private final List<Pool> opened = new ArrayList<>();

    /** {@code mainPool} is injected so that it exists (and its options are known) before any pool of ours. */
    public DedicatedPools(Vertx vertx, Pool mainPool, MainPoolCreator main) {
        this.vertx = vertx;
        this.main = main;
    }

    /** Connect options of the datasource, plus session settings sent at connection start. */
    public PgConnectOptions options(Map<String, String> sessionSettings) {
        // Every statement is prepared once per connection and kept, however long (the gift batch statement is
        // about 9,000 characters). A kept plan must suit any table size: see GiftBatchStore for how its
        // statement and session settings make sure of that.
        PgConnectOptions options = main.connectOptions().setCachePreparedStatements(true)
                .setPreparedStatementCacheSqlLimit(MainPoolCreator.STATEMENT_CACHE_SQL_LIMIT);
        sessionSettings.forEach(options::addProperty);
        return options;
    }
    /** A pool of its own; the name labels its metrics (postgresql.* with clientName=name). */
    public synchronized Pool pool(String name, int size, Map<String, String> sessionSettings) {
        return pool(name, size, sessionSettings, java.time.Duration.ofSeconds(PoolOptions.DEFAULT_CONNECTION_TIMEOUT));
    }

    /** {@link #pool(String, int, Map)}, whose callers wait at most {@code wait} for a connection (then fail). */
    public synchronized Pool pool(String name, int size, Map<String, String> sessionSettings, java.time.Duration wait) {
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(size).setName(name).setConnectionTimeout((int) wait.toSeconds())
                .setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS)).connectingTo(options(sessionSettings)).using(vertx)
                .build();
        opened.add(pool);
        return pool;
    }

    /**
     * A pool made on first use (a feature most instances never run costs no connection): {@code name}, {@code size}
     * connections, default session settings, callers waiting at most {@code wait} for one.
     */
    public java.util.function.Supplier<Pool> lazy(String name, int size, java.time.Duration wait) {
        return new java.util.function.Supplier<>() {
            private Pool made;

            @Override
            public synchronized Pool get() {
                if (made == null) {
                    made = pool(name, size, Map.of(), wait);
                }
                return made;
            }
        };
    }

    @PreDestroy
    synchronized void close() {
        opened.forEach(Pool::closeAndAwait);
        opened.clear();
    }
}
