package com.coinstream.db;

import java.time.Duration;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Large reads (exports): rows fetched 500 at a time from a cursor in a transaction of their own, on a pool of their own
 * ({@link #CONNECTIONS}), pulled as the consumer
 * asks for them, so memory stays flat whatever the size and the export reads one consistent snapshot. The connection goes
 * back to the pool when the stream ends, fails or is cancelled (a client that disconnects). A client that reads nothing
 * for the stall timeout, or an export that outlasts the longest allowed, is cut off: its transaction ends then, so no
 * client holds a snapshot (and what vacuum may clean) for longer than that; nor does one that reads a few rows just before
 * each stall timeout ({@link #MIN_ROWS_PER_TWO_STALLS}).
 */
@ApplicationScoped
public class Cursors {
    static final int FETCH = 500;
    /**
     * Exports read on connections of their own, at most this many at once in all: a client that reads slowly holds one
     * for up to the stall timeout, and those must never be the API's (an export waits for one of these, at most the
     * pool's 30 s, then fails).
     */
    public static final int CONNECTIONS = 4;
    /**
     * Downloads one person may have under way at once on an instance: each holds one of the {@link #CONNECTIONS} for as
     * long as its client reads, so one person's slow downloads never take them all. Every download route takes its place
     * here, keyed by its caller, before its response starts ({@code check}) and for as long as it streams (the simulated
     * provider's settlement report too).
     */
    public static final int DOWNLOADS_PER_PERSON = 1;
    public static final com.coinstream.domain.AtOnce.PerKey DOWNLOADS = new com.coinstream.domain.AtOnce.PerKey(DOWNLOADS_PER_PERSON,
            () -> new com.coinstream.domain.Refusal(com.coinstream.domain.ErrorCode.RATE_LIMITED,
                    "You have a download under way on this instance; let it finish, or ask again in a moment"));
    private final Duration stall;
    private final Duration longest;
    private final DedicatedPools pools;
    private Pool exports;

    public Cursors(ExportsConfig config, DedicatedPools pools) {
        this.pools = pools;
        this.stall = config.stallTimeout();
        this.longest = config.maxDuration();
        if (stall.compareTo(Duration.ofSeconds(1)) < 0 || stall.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new io.quarkus.runtime.configuration.ConfigurationException("COINSTREAM_EXPORT_STALL_TIMEOUT (" + stall + ") must be from 1 s to 10 minutes");
        }
        if (longest.compareTo(Duration.ofSeconds(10)) < 0 || longest.compareTo(Duration.ofHours(24)) > 0) {
            throw new io.quarkus.runtime.configuration.ConfigurationException("COINSTREAM_EXPORT_MAX_DURATION (" + longest + ") must be from 10 s to 24 hours");
        }
    }

    /**
     * An export cut off (its connection reset: the client sees a download that broke off, never a complete-looking one).
     * Without a stack trace: the web layer logs it as the one line it is.
     */
    public static final class CutOff extends RuntimeException {
        public CutOff(String message) {
            super(message, null, false, false);
        }
    }

    private synchronized Pool exports() {
        if (exports == null) {
            exports = pools.pool("exports", CONNECTIONS, java.util.Map.of());
        }
        return exports;
    }

    /**
     * A connection of {@code pool}, given back if it arrives after its download was given up on (cut off while it waited,
     * its client gone): the pool hands a connection to a waiter however long ago that waiter stopped waiting, and one
     * nobody takes is never closed, so four of them would leave no download a connection.
     */
    static Uni<SqlConnection> connection(Pool pool) {
        return Uni.createFrom().emitter(out -> {
            java.util.concurrent.atomic.AtomicBoolean gone = new java.util.concurrent.atomic.AtomicBoolean();
            out.onTermination(() -> {
                synchronized (gone) {
                    gone.set(true);
                }
            });
            pool.getConnection().subscribe().with(connection -> {
                synchronized (gone) {
                    if (!gone.get()) {
                        out.complete(connection);
                        return;
                    }
                }
                connection.closeAndForget();
            }, out::fail);
        });
    }

    public Multi<Row> stream(String sql, Tuple args) {
        return Multi.createFrom().deferred(() -> {
            Pace pace = new Pace(stall, longest, System.nanoTime());
            Pool pool = exports();
            return Multi.createFrom().resourceFromUni(() -> connection(pool),
                    connection -> connection.begin().toMulti().flatMap(tx -> connection.prepare(sql).toMulti()
                            .flatMap(statement -> statement.createStream(FETCH, args).toMulti())))
                    .withFinalizer((Function<SqlConnection, Uni<Void>>) SqlConnection::close)
                    // no row for that long: the client stopped reading (or the query is that slow)
                    .ifNoItem().after(stall).failWith(() -> new CutOff("an export sent no row for " + stall
                            + " (its client stopped reading, or its query is that slow): cut off"))
                    .onItem().invoke(row -> pace.row(System.nanoTime()));
        });
    }

    /**
     * The fewest rows a download must take in any two stall timeouts in a row: a client that reads a little just before
     * each stall timeout would otherwise hold its connection and snapshot for the longest allowed, and what its buffers
     * took at the start counts for nothing later; a phone on a slow network reads this many rows (about 50 KB of CSV) in
     * well under a second.
     */
    public static final int MIN_ROWS_PER_TWO_STALLS = FETCH;

    /** Cuts off a download at its deadline, or when its client takes fewer than {@link #MIN_ROWS_PER_TWO_STALLS} in two stall timeouts. */
    static final class Pace {
        private final Duration stall;
        private final Duration longest;
        private final long deadline;
        private long rows;
        private long checkpoint;

        Pace(Duration stall, Duration longest, long started) {
            this.stall = stall;
            this.longest = longest;
            this.deadline = started + longest.toNanos();
        }

        /** A row taken by the client at {@code now} (System.nanoTime()); CutOff when the download must end. */
        void row(long now) {
            if (now - deadline > 0) {
                throw new CutOff("an export took longer than " + longest + ": cut off");
            }
            if (rows == 0) {
                checkpoint = now; // (counted from the first row: waiting for a connection is the pool's to bound)
            } else if (now - checkpoint > 2 * stall.toNanos()) {
                throw new CutOff("an export's client took fewer than " + MIN_ROWS_PER_TWO_STALLS + " rows in twice " + stall + ": cut off");
            }
            if (++rows % MIN_ROWS_PER_TWO_STALLS == 0) {
                checkpoint = now;
            }
        }
    }
}
