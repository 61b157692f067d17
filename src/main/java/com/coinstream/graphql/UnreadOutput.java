package com.coinstream.graphql;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the service has written to WebSocket clients and they have not yet taken, counted as it is written and given back
 * as each write completes (or fails, when its connection closes): at most {@code perConnection} for one connection, and at
 * most {@code all} for every connection of the instance together. A connection over either is the one to close: a client
 * that reads has (nearly) nothing waiting, so one answer to it is always written, whatever the others hold; a client that
 * does not read is closed once what waits for it passes its share, or once it holds {@link #SLOW} or more while the
 * instance's whole budget is taken (anonymous connections from many addresses that subscribe and never read, each under its own share, could
 * otherwise fill the heap and the direct memory).
 */
final class UnreadOutput {
    /**
     * What a connection may have waiting and still be written to when the instance's budget is taken: a client that reads
     * has an event or two on their way (a broadcast to thousands of them at once is not a reason to close any), one that
     * does not soon has more.
     */
    static final long SLOW = 16 * 1024;
    private final long perConnection;
    private final long all;
    private final AtomicLong held = new AtomicLong();

    UnreadOutput(long perConnection, long all) {
        this.perConnection = perConnection;
        this.all = all;
    }

    /** One connection's account. */
    Connection open() {
        return new Connection();
    }

    /** Bytes waiting for every connection now (for tests). */
    long held() {
        return held.get();
    }

    final class Connection {
        private final AtomicLong mine = new AtomicLong();

        /**
         * Counts {@code bytes} about to be written; false, counting nothing, when this connection already has some waiting
         * and they would pass its share, or it has {@link #SLOW} or more waiting and they would pass the instance's budget
         * (the caller closes it). (Counted without a lock: two messages of one connection at once may pass a cap by one.)
         */
        boolean take(long bytes) {
            long waiting = mine.get();
            if (waiting > 0 && waiting + bytes > perConnection || waiting >= SLOW && held.get() + bytes > all) {
                return false;
            }
            mine.addAndGet(bytes);
            held.addAndGet(bytes);
            return true;
        }

        /** Gives back {@code bytes} whose write completed or failed. */
        void give(long bytes) {
            mine.addAndGet(-bytes);
            held.addAndGet(-bytes);
        }

        long waiting() {
            return mine.get();
        }
    }
}
