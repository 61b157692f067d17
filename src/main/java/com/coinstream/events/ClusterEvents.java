package com.coinstream.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.coinstream.db.DedicatedPools;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Events shared by every instance on the same database, over PostgreSQL LISTEN/NOTIFY. Publishers
 * notify only after the facts have committed, so listeners only ever see committed facts. The
 * listening connection reconnects by itself after a database outage.
 */
@ApplicationScoped
public class ClusterEvents {
    private static final Logger LOG = Logger.getLogger(ClusterEvents.class);
    public static final String GIFTS = "coinstream_gifts";
    public static final String RATES = "coinstream_rates";
    public static final String CATALOGUE = "coinstream_catalogue";
    public static final String STREAMS = "coinstream_streams";
    public static final String WALLETS = "coinstream_wallets";
    public static final String OVERLAY_KEYS = "coinstream_overlay_keys";
    /** A stream's goals or match changed (the payload is the stream id): streamActivity re-reads them. */
    public static final String ACTIVITY = "coinstream_activity";
    /** A user was erased (the payload is the user id): every instance forgets what it remembered of them. */
    public static final String USERS = "coinstream_users";

    private final Map<String, CopyOnWriteArrayList<Consumer<String>>> handlers = new ConcurrentHashMap<>();
    private final List<Runnable> listening = new CopyOnWriteArrayList<>();
    private final Vertx vertx;
    private final DedicatedPools pools;
    private PgSubscriber subscriber;
    private Pool publisher;

    public ClusterEvents(Vertx vertx, DedicatedPools pools) {
        this.vertx = vertx;
        this.pools = pools;
    }

    /**
     * Register a handler for a channel's payloads. Notifications sent while the connection was down are
     * lost, so caches fed by these also reload on a timer.
     */
    public void on(String channel, Consumer<String> handler) {
        handlers.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(handler);
    }

    /**
     * Run {@code catchUp} each time this instance starts listening again, after its listening connection was lost: what
     * was notified meanwhile never arrives, so a cache fed by notifications reads the database again here.
     */
    public void onListening(Runnable catchUp) {
        listening.add(catchUp);
    }

    /**
     * Publish payloads on a channel, after the facts they announce have committed. Notifications are
     * sent from their own small pool with synchronous_commit off: a NOTIFY holds PostgreSQL's global
     * notify lock through its commit, and a durable flush there would serialise every committer. A
     * notification lost in a crash loses nothing but a live animation; the facts themselves are durable.
     */
    public Uni<Void> publish(String channel, List<String> payloads) {
        return publish(Map.of(channel, payloads));
    }

    /** Publish on several channels in one statement (one round trip, one transaction). */
    public Uni<Void> publish(Map<String, List<String>> payloadsByChannel) {
        List<String> channels = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        payloadsByChannel.forEach((channel, list) -> list.forEach(payload -> {
            channels.add(channel);
            payloads.add(payload);
        }));
        if (payloads.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return publisher.preparedQuery("select pg_notify(c, p) from unnest($1::text[], $2::text[]) as n(c, p)")
                .execute(Tuple.of(channels.toArray(String[]::new), payloads.toArray(String[]::new))).replaceWithVoid();
    }

    public Uni<Void> publish(String channel, String payload) {
        return publish(channel, List.of(payload));
    }

    void start(@Observes StartupEvent ignored) {
        publisher = pools.pool("cluster-events", 2, Map.of("synchronous_commit", "off"));
        subscriber = PgSubscriber.subscriber(vertx, pools.options(Map.of()))
                .reconnectPolicy(retries -> retries < 10_000 ? 500L : -1L);
        for (String channel : new String[] { GIFTS, RATES, CATALOGUE, STREAMS, WALLETS, OVERLAY_KEYS, ACTIVITY, USERS }) {
            var listen = subscriber.channel(channel);
            if (channel.equals(USERS)) {
                // every channel is LISTENed to in one statement on each (re)connect, then each subscription's subscribe
                // handler runs: one is enough (set before the handler, which subscribes)
                listen.subscribeHandler(this::listening);
            }
            listen.handler(payload -> dispatch(channel, payload));
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

    private void listening() {
        for (Runnable catchUp : listening) {
            try {
                catchUp.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "Catching up after listening again failed");
            }
        }
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
