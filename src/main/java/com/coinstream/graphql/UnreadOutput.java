package com.coinstream.graphql;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the service has written to WebSocket clients and they have not yet taken, counted as it is written and given back
 * as each write completes (or fails, when its connection closes): at most {@code perConnection} for one connection, and at
 * most {@code all} for every connection of the instance together. A connection over either is the one to close: a client
 * that reads has (nearly) nothing waiting, so one answer to it is always written, whatever the others hold; a client that
 * does not read is closed once what waits for it passes its share, or once it holds some while the instance's whole budget
 * is taken (anonymous connections from many addresses that subscribe and never read, each under its own share, could
 * otherwise fill the heap and the direct memory).
 */
final class UnreadOutput {
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
         * and they would pass its share or the instance's budget (the caller closes it).
         */
        boolean take(long bytes) {
            long waiting = mine.get();
            if (waiting > 0 && (waiting + bytes > perConnection || held.get() + bytes > all)) {
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
