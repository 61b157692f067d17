package com.coinstream.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.coinstream.db.Contexts;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.WorkerExecutor;

/**
 * Resolves webhook endpoints' names, and checks what they resolve to ({@link EndpointPolicy#resolve}), for registration
 * and for every delivery attempt. A name lookup blocks, and a receiver chooses its name server, which may answer slowly
 * or never; so lookups run on {@value #THREADS} threads of their own (never the event loop, never the workers that serve
 * API requests). One lookup per host at a time: callers that want a host already being looked up share its answer. A
 * lookup that cannot start (every thread busy with other hosts) fails at once with {@link Busy}: nothing waits in a
 * queue. Each caller stops waiting after its timeout; the thread stays counted until the lookup returns, and a host whose
 * lookup timed out is answered as timed out, without a thread, for {@link #SLOW_HOST_MEMORY}, so one slow name server
 * holds one thread now and then, not all of them. An address literal needs no lookup. Answers and failures arrive on the
 * caller's Vert.x context.
 */
@ApplicationScoped
public class EndpointLookups {
    static final int THREADS = 8;
    /** How long a host whose lookup timed out is answered as timed out without a new lookup. */
    static final Duration SLOW_HOST_MEMORY = Duration.ofSeconds(60);
    /**
     * How long a host's checked answer is used without a new lookup (the JVM's own positive cache is as long): it needs no
     * thread and no turn of its owner's. Safe from rebinding: an attempt connects to the very address that was checked.
     */
    static final Duration ANSWER_MEMORY = Duration.ofSeconds(30);

    /** No lookup could start now: every lookup thread is busy with other hosts. */
    public static final class Busy extends RuntimeException {
        Busy(String message) {
            super(message, null, false, false);
        }
    }

    private final Lookups lookups;

    public EndpointLookups(Vertx vertx, WebhooksConfig config) {
        this.lookups = new Lookups(vertx, new EndpointPolicy(config.allowLoopback(), config.allowPrivateAddresses())::resolve, THREADS,
                System::nanoTime);
    }

    void stop(@Observes ShutdownEvent ignored) {
        lookups.close();
    }

    /**
     * The checked addresses of {@code uri}'s host, the first to connect to, for {@code owner} (the subscription's owner, at
     * registration and at every delivery attempt alike), who may hold one lookup thread at a time: a new lookup while one
     * of theirs is still running (a name server that never answers keeps it until the system's resolver gives up) fails
     * with {@link Busy}, so no owner's names can take the threads every other owner's deliveries need. Joining a lookup
     * already under way, a host remembered as slow, or one answered in the last {@link #ANSWER_MEMORY} costs no thread and
     * is allowed. Fails with the policy's refusal, with {@link Busy}, or with a {@link TimeoutException} when no answer
     * came within {@code timeout}.
     */
    public Uni<List<InetAddress>> resolve(URI uri, Duration timeout, String owner) {
        return lookups.resolve(uri, timeout, owner);
    }

    /** How lookups are shared, bounded and remembered, with the lookup, the size and the clock given (tests give their own). */
    static final class Lookups {
        private final WorkerExecutor workers;
        private final Function<URI, List<InetAddress>> lookup;
        private final int threads;
        private final LongSupplier nanos;
        /** The lookup under way for each host (at most {@code threads}), and when each slow host may be looked up again. */
        private final Map<String, CompletableFuture<List<InetAddress>>> running = new HashMap<>();
        private final Map<String, Long> slowUntil = new HashMap<>();
        /** Each host's last checked answer and until when it is used (guarded by {@code running}). */
        private final Map<String, Answer> answered = new HashMap<>();
        /** Owners with a lookup of theirs holding a thread (guarded by {@code running}). */
        private final java.util.Set<String> owners = new java.util.HashSet<>();

        Lookups(Vertx vertx, Function<URI, List<InetAddress>> lookup, int threads, LongSupplier nanos) {
            this.lookup = lookup;
            this.threads = threads;
            this.nanos = nanos;
            this.workers = vertx.createSharedWorkerExecutor("coinstream-webhook-lookups", threads, 60, TimeUnit.SECONDS);
        }

        void close() {
            workers.closeAndForget();
        }

        private record Answer(List<InetAddress> addresses, long until) {
        }

        /**
         * The checked addresses of {@code uri}'s host, the first to connect to; fails with the policy's refusal, with
         * {@link Busy}, or with a {@link TimeoutException} when no answer came within {@code timeout}.
         */
        public Uni<List<InetAddress>> resolve(URI uri, Duration timeout) {
            return resolve(uri, timeout, null);
        }

        /** {@link #resolve(URI, Duration)}, {@code owner} (when not null) holding one lookup thread at a time. */
        public Uni<List<InetAddress>> resolve(URI uri, Duration timeout, String owner) {
            String host = EndpointPolicy.bare(uri.getHost());
            boolean literal;
            try {
                literal = EndpointPolicy.literal(host).isPresent();
            } catch (RuntimeException refused) {
                return Uni.createFrom().failure(refused);
            }
            if (literal) {
                return Uni.createFrom().item(() -> lookup.apply(uri));
            }
            String key = host.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
            Uni<List<InetAddress>> answer = Uni.createFrom().deferred(() -> {
                List<InetAddress> known = answered(key);
                if (known != null) {
                    return Uni.createFrom().item(known);
                }
                CompletableFuture<List<InetAddress>> shared;
                try {
                    shared = lookupOf(key, uri, owner);
                } catch (RuntimeException e) {
                    return Uni.createFrom().failure(e);
                }
                if (shared == null) {
                    return Uni.createFrom().failure(new TimeoutException("name resolution timed out a moment ago"));
                }
                // each caller waits on a stage of its own: one that stops waiting (its timeout) cancels nothing the others share
                CompletableFuture<List<InetAddress>> mine = new CompletableFuture<>();
                shared.whenComplete((addresses, failure) -> {
                    if (failure != null) {
                        mine.completeExceptionally(failure);
                    } else {
                        mine.complete(addresses);
                    }
                });
                return Uni.createFrom().completionStage(mine);
            }).ifNoItem().after(timeout).failWith(() -> {
                remember(key);
                return new TimeoutException("name resolution timed out");
            });
            // back on the caller's context: the caller goes on with its request, its transaction or its settle there
            return Contexts.onCallersContext(answer);
        }

        /** The lookup of {@code key} under way, joined, or a new one on a free thread; null for a host remembered as slow. */
        private CompletableFuture<List<InetAddress>> lookupOf(String key, URI uri, String owner) {
            CompletableFuture<List<InetAddress>> fresh;
            synchronized (running) {
                Long until = slowUntil.get(key);
                if (until != null) {
                    if (nanos.getAsLong() - until < 0) {
                        return null;
                    }
                    slowUntil.remove(key);
                }
                CompletableFuture<List<InetAddress>> underWay = running.get(key);
                if (underWay != null) {
                    return underWay;
                }
                if (running.size() >= threads) {
                    throw new Busy("every endpoint lookup thread is busy");
                }
                if (owner != null && !owners.add(owner)) {
                    throw new Busy("a lookup of this owner's is still under way");
                }
                fresh = new CompletableFuture<>();
                running.put(key, fresh);
            }
            try {
                workers.getDelegate().<List<InetAddress>> executeBlocking(() -> lookup.apply(uri), false).onComplete(done -> {
                    synchronized (running) {
                        running.remove(key);
                        if (owner != null) {
                            owners.remove(owner);
                        }
                        if (done.succeeded()) {
                            if (answered.size() >= 10_000) {
                                long now = nanos.getAsLong();
                                answered.values().removeIf(a -> now - a.until() >= 0);
                                if (answered.size() >= 10_000) {
                                    answered.clear();
                                }
                            }
                            // only the address a delivery connects to is kept (every one was checked): a name with
                            // thousands of records costs an entry like any other
                            List<InetAddress> all = done.result();
                            answered.put(key, new Answer(all.isEmpty() ? List.of() : List.of(all.get(0)), nanos.getAsLong() + ANSWER_MEMORY.toNanos()));
                        }
                    }
                    if (done.succeeded()) {
                        fresh.complete(done.result().isEmpty() ? List.of() : List.of(done.result().get(0)));
                    } else {
                        fresh.completeExceptionally(done.cause());
                    }
                });
            } catch (RuntimeException e) { // the executor is closed (shutting down): the host is not left marked as under way
                synchronized (running) {
                    running.remove(key);
                    if (owner != null) {
                        owners.remove(owner);
                    }
                }
                fresh.completeExceptionally(e);
            }
            return fresh;
        }

        /** The host's checked answer while it is fresh; null when it must be looked up. */
        private List<InetAddress> answered(String key) {
            synchronized (running) {
                Answer answer = answered.get(key);
                if (answer == null) {
                    return null;
                }
                if (nanos.getAsLong() - answer.until() >= 0) {
                    answered.remove(key);
                    return null;
                }
                return answer.addresses();
            }
        }

        private void remember(String key) {
            synchronized (running) {
                slowUntil.put(key, nanos.getAsLong() + SLOW_HOST_MEMORY.toNanos());
                if (slowUntil.size() > 10_000) {
                    long now = nanos.getAsLong();
                    slowUntil.values().removeIf(until -> now - until >= 0);
                }
            }
        }

        /** Lookups under way now (for tests). */
        int running() {
            synchronized (running) {
                return running.size();
            }
        }
    }
}
