package com.coinstream.domain;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * At most so many of one kind of work at once on this instance (work that holds memory, a thread or a file while it
 * runs); one more is refused at once with the refusal given (RATE_LIMITED), never queued. The one home of such
 * per-instance gates: settlement uploads, personal data exports; and, per person ({@link PerKey}), their exports and
 * downloads, so that no one caller holds every place of an instance-wide gate or pool.
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
        return Uni.createFrom().deferred(() -> enter() ? counted(work, running::decrementAndGet)
                : Uni.createFrom().failure(refusal.get()));
    }

    /**
     * {@link #run}, with the place kept past the work's item until whoever sends the answer gives it back: {@code sent}
     * gets the (idempotent) release with the item, for work whose answer still holds memory while it is written to a
     * client that may read slowly or not at all. Given back at once on failure or cancellation.
     */
    public <T> Uni<T> runUntilSent(Supplier<Uni<T>> work, java.util.function.Consumer<Runnable> sent) {
        return Uni.createFrom().deferred(() -> enter() ? heldUntilSent(work, running::decrementAndGet, sent)
                : Uni.createFrom().failure(refusal.get()));
    }

    /** Takes a place if one is left. */
    private boolean enter() {
        if (running.incrementAndGet() > max) {
            running.decrementAndGet();
            return false;
        }
        return true;
    }

    /** {@code work} started, its place given back by {@code leave} when it ends (item, failure or cancellation). */
    static <T> Uni<T> counted(Supplier<Uni<T>> work, Runnable leave) {
        return started(work).onTermination().invoke(leave);
    }

    /** {@code work.get()}, or its failure when getting it throws: the caller's termination handling then gives the place back. */
    private static <T> Uni<T> started(Supplier<Uni<T>> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
    }

    /** {@code work} started, its place given back by {@code leave} on failure or cancellation, else handed to {@code sent}. */
    static <T> Uni<T> heldUntilSent(Supplier<Uni<T>> work, Runnable leave, java.util.function.Consumer<Runnable> sent) {
        java.util.concurrent.atomic.AtomicBoolean left = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable release = () -> {
            if (left.compareAndSet(false, true)) {
                leave.run();
            }
        };
        return AtOnce.<T>started(work).onFailure().invoke(e -> release.run()).onCancellation().invoke(release).invoke(item -> {
            try {
                sent.accept(release);
            } catch (RuntimeException e) {
                release.run();
                throw e;
            }
        });
    }

    /** How many run now (for tests and metrics). */
    public int running() {
        return running.get();
    }

    /**
     * At most so many of one kind of work at once for any one key (a person, a client address), on this instance; one more
     * is refused. A place may weigh more than one ({@link #enter(String, long)}: bytes of request bodies held per address).
     */
    public static final class PerKey {
        private final long max;
        private final Supplier<Refusal> refusal;
        private final ConcurrentHashMap<String, Long> running = new ConcurrentHashMap<>();

        public PerKey(long max, Supplier<Refusal> refusal) {
            this.max = max;
            this.refusal = refusal;
        }

        /** Take one of {@code key}'s places, if one is left; whoever took one gives it back with {@link #leave}. */
        public boolean enter(String key) {
            return enter(key, 1);
        }

        /** Take {@code weight} of {@code key}'s share, if that much is left; given back with {@link #leave(String, long)}. */
        public boolean enter(String key, long weight) {
            if (running.merge(key, weight, Long::sum) > max) {
                leave(key, weight);
                return false;
            }
            return true;
        }

        /** Give back a place taken with {@link #enter}. */
        public void leave(String key) {
            leave(key, 1);
        }

        /** Give back {@code weight} taken with {@link #enter(String, long)}. */
        public void leave(String key, long weight) {
            running.computeIfPresent(key, (k, n) -> n == weight ? null : n - weight);
        }

        /** Refused now when {@code key} has no place left (before a response starts: a download then has a coded refusal). */
        public void check(String key) {
            if (running.getOrDefault(key, 0L) >= max) {
                throw refusal.get();
            }
        }

        /** {@code work} for {@code key}, counted from its subscription to its end, or the refusal when the key's places are taken. */
        public <T> Uni<T> run(String key, Supplier<Uni<T>> work) {
            return Uni.createFrom().deferred(() -> enter(key) ? counted(work, () -> leave(key))
                    : Uni.createFrom().failure(refusal.get()));
        }

        /** {@link AtOnce#runUntilSent} for {@code key}'s places. */
        public <T> Uni<T> runUntilSent(String key, Supplier<Uni<T>> work, java.util.function.Consumer<Runnable> sent) {
            return Uni.createFrom().deferred(() -> {
                if (!enter(key)) {
                    return Uni.createFrom().failure(refusal.get());
                }
                return heldUntilSent(work, () -> leave(key), sent);
            });
        }

        /** The same for a stream: counted until it completes, fails or is cancelled (a client that went away). */
        public <T> Multi<T> stream(String key, Supplier<Multi<T>> work) {
            return Multi.createFrom().deferred(() -> {
                if (!enter(key)) {
                    return Multi.createFrom().failure(refusal.get());
                }
                Multi<T> started;
                try {
                    started = work.get();
                } catch (RuntimeException e) {
                    leave(key);
                    return Multi.createFrom().failure(e);
                }
                return started.onTermination().invoke(() -> leave(key));
            });
        }

        /** How many run now for {@code key} (for tests). */
        public long running(String key) {
            return running.getOrDefault(key, 0L);
        }
    }
}
