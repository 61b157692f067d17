package com.coinstream.graphql;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import com.coinstream.domain.AtOnce;

/**
 * What the instance's WebSocket connections and their running operations may hold of the heap at once
 * (COINSTREAM_WEBSOCKET_BUDGET, by default a third of the JVM's largest heap), counted by weight: an open connection
 * {@value #CONNECTION} bytes from its upgrade to its close, a running subscription {@value #SUBSCRIPTION} from its
 * subscribe to its end. These are what each was measured to keep on the heap, rounded up (JDK 17, the heap's class
 * histogram after a full collection, with and without a crowd of them: about 15 KB per idle connection, 32-39 KB per
 * gift-feed subscription, the execution SmallRye and graphql-java keep for as long as a subscription runs; 55 KB before
 * {@link DataLoadersInUse}). Without it, the per-person and per-address caps let 2,000 people with one subscription
 * each, or two client addresses without a token, fill a 144 MB heap, and the instance stopped answering anyone
 * ({@code bench/crowd.sh}). A third leaves the rest of the heap to gifting: with half, a full budget's live set made
 * the collector run full collections back to back.
 * <p>
 * One person, or one client address without a token, may hold at most a {@value #SHARES}th of it in subscriptions, so
 * one caller cannot take every place. Past either, a connection is closed at its upgrade with 1013 (try again later),
 * and a subscription is refused with RATE_LIMITED, its connection kept.
 */
final class WebSocketMemory {
    /** Heap one open WebSocket connection keeps (its Vert.x socket, SmallRye's handler, this service's state). */
    static final long CONNECTION = 16 * 1024;
    /** Heap one running subscription keeps (SmallRye's execution of it, its data loaders, the feed's subscriber). */
    static final long SUBSCRIPTION = 40 * 1024;
    /** A person's (or a client address's) subscriptions hold at most this fraction of the budget. */
    static final int SHARES = 16;
    /** The smallest budget: one caller's share holds one subscription. */
    static final long MIN_BUDGET = SUBSCRIPTION * SHARES;
    private static final String ALL = "";

    private final long budget;
    private final AtOnce.PerKey all;
    private final AtOnce.PerKey perCaller;

    WebSocketMemory(long budget) {
        if (budget < MIN_BUDGET) {
            throw new io.quarkus.runtime.configuration.ConfigurationException("COINSTREAM_WEBSOCKET_BUDGET (" + budget
                    + " bytes) must be at least " + MIN_BUDGET + " (" + MIN_BUDGET / 1024 + "K)");
        }
        this.budget = budget;
        this.all = new AtOnce.PerKey(budget, () -> null);
        this.perCaller = new AtOnce.PerKey(budget / SHARES, () -> null);
    }

    /** The budget when none is configured: a third of the heap the JVM may grow to. */
    static long defaultBudget() {
        return Runtime.getRuntime().maxMemory() / 3;
    }

    long budget() {
        return budget;
    }

    /** Subscriptions one caller may run at once on this instance. */
    long perCallerSubscriptions() {
        return budget / SHARES / SUBSCRIPTION;
    }

    /** Weight held now by every connection and operation. */
    long held() {
        return all.running(ALL);
    }

    /** A new connection's weight, or null when the instance holds all it may. */
    Connection open() {
        return all.enter(ALL, CONNECTION) ? new Connection() : null;
    }

    /** One connection's weight and its running operations' (their ids, each with the caller it counts for). */
    final class Connection {
        private final ConcurrentHashMap<String, String> running = new ConcurrentHashMap<>();
        private final AtomicBoolean closed = new AtomicBoolean();

        private Connection() {
        }

        /**
         * Counts operation {@code id} for {@code caller} (a person, or a client address): null when it may run, else why
         * not (the instance's memory, or the caller's share of it). An id already running counts once.
         */
        String start(String id, String caller) {
            if (running.containsKey(id)) {
                return null;
            }
            if (!perCaller.enter(caller, SUBSCRIPTION)) {
                return "At most " + perCallerSubscriptions() + " subscriptions at once per person (or per client address without a token) on one"
                        + " instance; complete one first";
            }
            if (!all.enter(ALL, SUBSCRIPTION)) {
                perCaller.leave(caller, SUBSCRIPTION);
                return "This instance holds as many subscriptions as its memory allows; try again later";
            }
            running.put(id, caller);
            if (closed.get()) { // (closed meanwhile: nothing else will give it back)
                ended(id);
            }
            return null;
        }

        /** Operation {@code id} ended (completed, stopped, refused): its weight given back, once. */
        void ended(String id) {
            String caller = running.remove(id);
            if (caller != null) {
                perCaller.leave(caller, SUBSCRIPTION);
                all.leave(ALL, SUBSCRIPTION);
            }
        }

        boolean isRunning(String id) {
            return running.containsKey(id);
        }

        int size() {
            return running.size();
        }

        /** The connection closed: its weight and every operation's given back, once. */
        void close() {
            if (closed.compareAndSet(false, true)) {
                all.leave(ALL, CONNECTION);
            }
            running.keySet().forEach(this::ended);
        }
    }
}
