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
 * A subscription weighs {@value #SUBSCRIPTION} plus {@value #PER_MESSAGE_CHAR} bytes per character of its subscribe
 * message (SmallRye keeps the request and its variables, parsed, up to a message's 256 KiB, for as long as it runs). One client address's connections that are not a
 * person's (until acknowledged, or without a token), and one person's subscriptions (a client address's, without a
 * token), hold at most a {@value #SHARES}th of the budget each, so one
 * caller cannot take every place. A connection past the budget or its address's share is refused before its upgrade
 * (503, RATE_LIMITED, with Retry-After); a subscription past it is refused with RATE_LIMITED, its connection kept.
 */
final class WebSocketMemory {
    /** Heap one open WebSocket connection keeps (its Vert.x socket, SmallRye's handler, this service's state). */
    static final long CONNECTION = 16 * 1024;
    /** Heap one running subscription keeps besides its message (SmallRye's execution of it, the feed's subscriber). */
    static final long SUBSCRIPTION = 40 * 1024;
    /**
     * A subscription's weight per character of its subscribe message: SmallRye keeps the request and its variables,
     * parsed (a list of numbers takes several times its text), for as long as it runs.
     */
    static final long PER_MESSAGE_CHAR = 8;
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

    /**
     * A new connection's weight, from the client {@code address}'s share too until it is acknowledged as a person's (so
     * that one address cannot hold every place with connections it never uses or opens without a token; a person's
     * connections are capped by their own count), or null when the instance, or that share, holds all it may.
     */
    Connection open(String address) {
        String caller = "connections from " + address; // (a share of their own: not the address's subscriptions')
        if (!perCaller.enter(caller, CONNECTION)) {
            return null;
        }
        if (!all.enter(ALL, CONNECTION)) {
            perCaller.leave(caller, CONNECTION);
            return null;
        }
        return new Connection(caller);
    }

    /**
     * One connection's weight and its running operations'. SmallRye knows each operation by an id of this connection's
     * own ({@code op-1}, {@code op-2}, ...), never by the client's: SmallRye keeps its operations by id alone, so an id the
     * client completed and at once reused was one key for two executions, and the first one's late end removed the
     * second from SmallRye's table (which then could neither stop it nor count it) and gave back its weight here.
     */
    final class Connection {
        private final String caller;
        private final ConcurrentHashMap<String, Operation> byClient = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<String, Operation> byInternal = new ConcurrentHashMap<>();
        private final java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();
        private final AtomicBoolean closed = new AtomicBoolean();
        /** Whether its weight still counts in its address's share (until it is acknowledged as a person's). */
        private final AtomicBoolean addressShare = new AtomicBoolean(true);

        private Connection(String caller) {
            this.caller = caller;
        }

        /**
         * Starts the client's operation {@code id} for {@code caller} (a person, or a client address), weighing
         * {@code weight} bytes: null when it runs (under {@link #internalOf}), else why not (the instance's memory, or the
         * caller's share of it).
         */
        synchronized String start(String id, String caller, long weight) {
            if (byClient.containsKey(id)) { // (the caller refused a running id already: this one is still ending)
                return "Operation " + id + " is still ending; use another id";
            }
            if (!perCaller.enter(caller, weight)) {
                return "At most " + perCallerSubscriptions() + " subscriptions at once per person (or per client address without a token) on one"
                        + " instance; complete one first";
            }
            if (!all.enter(ALL, weight)) {
                perCaller.leave(caller, weight);
                return "This instance holds as many subscriptions as its memory allows; try again later";
            }
            Operation op = new Operation(id, "op-" + next.incrementAndGet(), caller, weight);
            byInternal.put(op.internal, op);
            byClient.put(id, op);
            if (closed.get()) { // (closed meanwhile: nothing else will give it back)
                end(op);
            }
            return null;
        }

        /** The id SmallRye knows the client's running operation {@code id} by, or null when none runs. */
        synchronized String internalOf(String id) {
            Operation op = byClient.get(id);
            return op == null ? null : op.internal;
        }

        /** The client's id of the operation SmallRye knows as {@code internal}, or null when it no longer runs. */
        synchronized String clientOf(String internal) {
            Operation op = byInternal.get(internal);
            return op == null ? null : op.client;
        }

        /** The client ended its operation {@code id}: its weight given back; the id SmallRye knows it by (null: none ran). */
        synchronized String endedByClient(String id) {
            Operation op = byClient.get(id);
            return op != null && end(op) ? op.internal : null;
        }

        /**
         * SmallRye ended the operation it knows as {@code internal} (completed, or refused with an error): its weight
         * given back; the client's id of it, or null when it had already ended (the client completed it first).
         */
        synchronized String endedByServer(String internal) {
            Operation op = byInternal.get(internal);
            return op != null && end(op) ? op.client : null;
        }

        /** Whether the client's operation {@code id} runs. */
        synchronized boolean isRunning(String id) {
            return byClient.containsKey(id);
        }

        synchronized int size() {
            return byClient.size();
        }

        /** Gives {@code op}'s weight back and forgets it, once (whoever ends it first). */
        private synchronized boolean end(Operation op) {
            if (!byInternal.remove(op.internal, op)) {
                return false;
            }
            byClient.remove(op.client, op);
            perCaller.leave(op.caller, op.weight);
            all.leave(ALL, op.weight);
            return true;
        }

        /** Acknowledged as a person's: its weight no longer counts in its address's share (the person's count caps it). */
        void person() {
            if (addressShare.compareAndSet(true, false)) {
                perCaller.leave(caller, CONNECTION);
            }
        }

        /** The connection closed: its weight and every operation's given back, once. */
        synchronized void close() {
            if (closed.compareAndSet(false, true)) {
                person();
                all.leave(ALL, CONNECTION);
            }
            byInternal.values().forEach(this::end);
        }
    }

    /** A running operation: the client's id, SmallRye's, the caller it counts for and its weight. */
    private record Operation(String client, String internal, String caller, long weight) {
    }
}
