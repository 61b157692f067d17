package com.coinstream.db;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Reloads of an in-memory copy of a table (the catalogue, the rates), which may finish out of order: a notice, the
 * timer and listening again each start one. Each takes a ticket when it starts reading; its result is installed only
 * if no reload started later has installed its own, so an older read never replaces a newer one.
 */
public final class Reloads {
    private final AtomicLong started = new AtomicLong();
    private long applied;

    /** A new reload's ticket, taken before it reads. */
    public long start() {
        return started.incrementAndGet();
    }

    /** Runs {@code install} unless a reload started after {@code ticket} already installed its read. */
    public synchronized void install(long ticket, Runnable install) {
        if (ticket > applied) {
            applied = ticket;
            install.run();
        }
    }
}
