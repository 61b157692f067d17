package com.coinstream.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.WorkerExecutor;

/**
 * Resolves webhook endpoints' names, and checks what they resolve to ({@link EndpointPolicy#resolve}), for registration
 * and for every delivery attempt. A name lookup blocks, and a receiver chooses its name server, which may answer slowly
 * or never; so lookups run on {@value #THREADS} threads of their own (never the event loop, never the workers that serve
 * API requests), at most one at a time per host and {@value #THREADS} in all. A lookup that cannot start now fails at
 * once with {@link Busy} (the caller tries again later; nothing waits in a queue), and the caller stops waiting for one
 * after its timeout, while the thread stays counted until the lookup returns. An address literal needs no lookup.
 */
@ApplicationScoped
public class EndpointLookups {
    static final int THREADS = 8;

    /** No lookup could start now: this host's is still under way, or every lookup thread is busy. */
    public static final class Busy extends RuntimeException {
        Busy(String message) {
            super(message, null, false, false);
        }
    }

    private final WorkerExecutor workers;
    private final Function<URI, List<InetAddress>> lookup;
    private final int threads;
    private final Set<String> running = new HashSet<>();

    @Inject
    public EndpointLookups(Vertx vertx, WebhooksConfig config) {
        this(vertx, new EndpointPolicy(config.allowLoopback(), config.allowPrivateAddresses())::resolve, THREADS);
    }

    EndpointLookups(Vertx vertx, Function<URI, List<InetAddress>> lookup, int threads) {
        this.lookup = lookup;
        this.threads = threads;
        this.workers = vertx.createSharedWorkerExecutor("coinstream-webhook-lookups", threads, 60, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent ignored) {
        workers.closeAndForget();
    }

    /**
     * The checked addresses of {@code uri}'s host, the first to connect to; fails with the policy's refusal, with
     * {@link Busy}, or with a {@link TimeoutException} when no answer came within {@code timeout}.
     */
    public Uni<List<InetAddress>> resolve(URI uri, Duration timeout) {
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
        return Uni.createFrom().deferred(() -> {
            synchronized (running) {
                if (running.contains(key)) {
                    return Uni.createFrom().failure(new Busy("a lookup of this host is still under way"));
                }
                if (running.size() >= threads) {
                    return Uni.createFrom().failure(new Busy("every endpoint lookup thread is busy"));
                }
                running.add(key);
            }
            return workers.executeBlocking(Uni.createFrom().item(() -> {
                try {
                    return lookup.apply(uri);
                } finally {
                    synchronized (running) {
                        running.remove(key);
                    }
                }
            }), false);
        }).ifNoItem().after(timeout).failWith(() -> new TimeoutException("name resolution timed out"));
    }

    /** Lookups under way now (for tests). */
    int running() {
        synchronized (running) {
            return running.size();
        }
    }
}
