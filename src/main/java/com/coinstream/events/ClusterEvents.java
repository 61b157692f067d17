package com.coinstream.events;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;

/**
 * Events shared by every instance on the same database, over PostgreSQL LISTEN/NOTIFY. A NOTIFY is
 * delivered only when its transaction commits, so listeners only ever see committed facts. The
 * listening connection reconnects by itself after a database outage.
 */
@ApplicationScoped
public class ClusterEvents {
    private static final Logger LOG = Logger.getLogger(ClusterEvents.class);
    public static final String GIFTS = "coinstream_gifts";
    public static final String RATES = "coinstream_rates";
    public static final String CATALOGUE = "coinstream_catalogue";
    public static final String STREAMS = "coinstream_streams";

    private final Map<String, CopyOnWriteArrayList<Consumer<String>>> handlers = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final String url;
    private final String user;
    private final String password;
    private PgSubscriber subscriber;

    public ClusterEvents(Vertx vertx, @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") java.util.Optional<String> password) {
        this.vertx = vertx;
        this.url = url;
        this.user = user;
        this.password = password.orElse(null);
    }

    /**
     * Register a handler for a channel's payloads. Notifications sent while the connection was down are
     * lost, so caches fed by these also reload on a timer.
     */
    public void on(String channel, Consumer<String> handler) {
        handlers.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(handler);
    }

    void start(@Observes StartupEvent ignored) {
        PgConnectOptions options = PgConnectOptions.fromUri(url.startsWith("vertx-reactive:") ? url.substring(15) : url)
                .setUser(user);
        if (password != null) {
            options.setPassword(password);
        }
        subscriber = PgSubscriber.subscriber(vertx, options)
                .reconnectPolicy(retries -> retries < 10_000 ? 500L : -1L);
        for (String channel : new String[] { GIFTS, RATES, CATALOGUE, STREAMS }) {
            subscriber.channel(channel).handler(payload -> dispatch(channel, payload));
        }
        connect();
    }

    // The subscriber re-LISTENs by itself after a lost connection (reconnect policy); this covers the first connect.
    private void connect() {
        subscriber.connect().subscribe().with(v -> LOG.debug("Listening for cluster events"), e -> {
            LOG.warnf("Database event connection failed (%s); retrying", e.getMessage());
            vertx.setTimer(1000, id -> connect());
        });
    }

    private void dispatch(String channel, String payload) {
        for (Consumer<String> handler : handlers.getOrDefault(channel, new CopyOnWriteArrayList<>())) {
            try {
                handler.accept(payload);
            } catch (RuntimeException e) {
                LOG.errorf(e, "Handler for %s failed", channel);
            }
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (subscriber != null) {
            subscriber.closeAndAwait();
        }
    }
}
