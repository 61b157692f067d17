package com.coinstream.engagement;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.coinstream.db.DedicatedPools;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Folds the gift batches' queued gifts into the leaderboard and earnings rollups (migration V14), every
 * COINSTREAM_ROLLUP_INTERVAL (200 ms) on every instance; the database lets one applier at a time through (an advisory lock),
 * and each queue row is applied and deleted in one transaction, so each gift counts exactly once. A busy queue is drained
 * in rounds of 1,000 batches (about a second of gifts at full load). A round adds its gifts up per creator (and sender)
 * and period before it writes, so a longer interval writes fewer rollup rows per gift: with gifts spread over 200
 * creators by 2,000 viewers (bench/run.sh), 13.0 every 200 ms in rounds of 100 batches, 9.3 every second in rounds of 1,000.
 */
@ApplicationScoped
public class RollupApplier {
    private static final Logger LOG = Logger.getLogger(RollupApplier.class);
    static final int ROUND = 1000;
    private final DedicatedPools pools;
    private final Vertx vertx;
    private final long periodMs;
    private Pool pool;
    private long timer = -1;
    private volatile boolean running;

    public RollupApplier(DedicatedPools pools, Vertx vertx, EngagementConfig config) {
        this.pools = pools;
        this.vertx = vertx;
        this.periodMs = config.rollupInterval().toMillis();
        if (periodMs < 50 || periodMs > 60_000) {
            throw new io.quarkus.runtime.configuration.ConfigurationException("COINSTREAM_ROLLUP_INTERVAL (" + config.rollupInterval() + ") must be 0.05-60 s (ISO-8601, as PT1S)");
        }
    }

    void start(@Observes StartupEvent ignored) {
        pool = pools.pool("rollups", 1, Map.of()); // its own connection: never queued behind, nor counted with, API work
        timer = vertx.setPeriodic(periodMs, id -> {
            if (!running) {
                running = true;
                drain().subscribe().with(n -> running = false, e -> {
                    running = false;
                    LOG.debugf("Rollups not applied this round (retried): %s", e.getMessage());
                });
            }
        });
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Applies queued batches until a round finds fewer than a full round; the number applied. */
    Uni<Integer> drain() {
        return pool.query("select apply_rollup_queue(" + ROUND + ")").execute().map(rows -> rows.iterator().next().getInteger(0))
                .flatMap(n -> n < ROUND ? Uni.createFrom().item(n) : drain().map(more -> n + more));
    }
}
