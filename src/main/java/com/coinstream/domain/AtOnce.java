package com.coinstream.domain;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * At most so many of one kind of work at once on this instance (work that holds memory, a thread or a file while it
 * runs); one more is refused at once with the refusal given (RATE_LIMITED), never queued. The one home of such
 * per-instance gates: settlement uploads, personal data exports.
 */
public final class AtOnce {
    private final int max;
    private final Supplier<Refusal> refusal;
    private final AtomicInteger running = new AtomicInteger();

    public AtOnce(int max, Supplier<Refusal> refusal) {
        this.max = max;
        this.refusal = refusal;
    }

    /** {@code work}, counted from its subscription to its end (item, failure or cancellation), or the refusal when full. */
    public <T> Uni<T> run(Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            if (running.incrementAndGet() > max) {
                running.decrementAndGet();
                return Uni.createFrom().failure(refusal.get());
            }
            Uni<T> started;
            try {
                started = work.get();
            } catch (RuntimeException e) {
                running.decrementAndGet();
                return Uni.createFrom().failure(e);
            }
            return started.onTermination().invoke(running::decrementAndGet);
        });
    }

    /** How many run now (for tests and metrics). */
    public int running() {
        return running.get();
    }
}
