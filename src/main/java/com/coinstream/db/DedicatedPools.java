package com.coinstream.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

/**
 * Small connection pools with their own session settings, on the same datasource as the main pool
 * (same URL, user and password). Used where a setting must differ from the application default.
 */
@ApplicationScoped
public class DedicatedPools {
    private final Vertx vertx;
    private final String url;
    private final String user;
    private final Optional<String> password;
    private final List<Pool> opened = new ArrayList<>();

    public DedicatedPools(Vertx vertx, @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** Connect options of the datasource, plus session settings sent at connection start. */
    public PgConnectOptions options(Map<String, String> sessionSettings) {
        PgConnectOptions options = PgConnectOptions.fromUri(url.startsWith("vertx-reactive:") ? url.substring(15) : url)
                // Every statement is prepared once per connection and kept, however long (the gift batch
                // statement is about 9,000 characters). A kept plan must suit any table size: see GiftBatchStore
                // for how its statement and session settings make sure of that.
                .setUser(user).setCachePreparedStatements(true).setPreparedStatementCacheSqlLimit(MainPoolCreator.STATEMENT_CACHE_SQL_LIMIT);
        password.ifPresent(options::setPassword);
        sessionSettings.forEach(options::addProperty);
        return options;
    }

    /** A pool of its own; the name labels its metrics (postgresql.* with clientName=name). */
    public synchronized Pool pool(String name, int size, Map<String, String> sessionSettings) {
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(size).setName(name)).connectingTo(options(sessionSettings)).using(vertx)
                .build();
        opened.add(pool);
        return pool;
    }

    @PreDestroy
    synchronized void close() {
        opened.forEach(Pool::closeAndAwait);
        opened.clear();
    }
}
