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
    /**
     * An erasure committed (the payload names the person and their pseudonym, ErasedAccounts.notice): sent in the
     * erasure's own transaction ({@link #publishIn}), so every instance takes the pseudonym before it hears any notice
     * sent after that commit, a gift's among them.
     */
    public static final String ERASURES = "coinstream_erasures";

    private final Map<String, CopyOnWriteArrayList<Consumer<String>>> handlers = new ConcurrentHashMap<>();
    private final List<Runnable> listening = new CopyOnWriteArrayList<>();
    /** This instance's heartbeat: it notifies itself every beat, and listens again when none came back for three. */
    static final String PING = "coinstream_ping";
    private final long heartbeatMs;
    private final String instance = java.util.UUID.randomUUID().toString();
    private volatile long lastHeard = System.nanoTime();
    private long heartbeats = -1;
    private final Vertx vertx;
    private final DedicatedPools pools;
    private PgSubscriber subscriber;
    private Pool publisher;

    public ClusterEvents(Vertx vertx, DedicatedPools pools, EventsConfig config) {
        this.vertx = vertx;
        this.pools = pools;
        this.heartbeatMs = config.listenHeartbeat().toMillis();
        if (heartbeatMs < 1_000 || heartbeatMs > 300_000) {
            throw new io.quarkus.runtime.configuration.ConfigurationException("COINSTREAM_LISTEN_HEARTBEAT (" + config.listenHeartbeat() + ") must be 1 s to 5 minutes (ISO-8601, as PT10S)");
        }
    }

    /**
     * Register a handler for a channel's payloads. Notifications sent while the connection was down are lost: a cache
     * fed by these catches up with {@link #onListening}, and on a timer where a missed notice matters.
     */
    public void on(String channel, Consumer<String> handler) {
        handlers.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(handler);
    }

    /**
     * Run {@code catchUp} each time this instance starts listening (at start, and again after its listening connection
     * was lost, or found deaf by the heartbeat): what was notified meanwhile never arrives, so a cache fed by
     * notifications reads the database again here.
     */
    public void onListening(Runnable catchUp) {
        listening.add(catchUp);
    }

    /**
     * Publish payloads on a channel, after the facts they announce have committed. Notifications are
     * sent from their own small pool with synchronous_commit off: a NOTIFY holds PostgreSQL's global
     * notify lock through its commit, and a durable flush there would serialise every committer. A
     * notification lost in a crash loses nothing but a live animation; the facts themselves are durable.
     * It never fails: what it announces has committed, and a mutation must not answer an error for a change it made
     * (a notice that could not be sent within {@link #PUBLISH_TIMEOUT} is logged; the caches it would have told catch up
     * on their own: the listeners' re-read when they listen again, the stream and erasure re-reads).
     */
    public Uni<Void> publish(String channel, List<String> payloads) {
        return publish(Map.of(channel, payloads));
    }

    /**
     * PostgreSQL refuses a NOTIFY payload of 8000 bytes or more, and with it every notice of the statement: a payload
     * holds at most this many bytes of UTF-8.
     */
    public static final int MAX_PAYLOAD_BYTES = 7999;

    /**
     * {@code elements} (each a JSON value) as JSON arrays of at most {@code maxPerPayload} elements and
     * {@link #MAX_PAYLOAD_BYTES} bytes each: the one packing of notices. An element too big for a payload on its own is
     * left out and logged (no element the service writes comes near it).
     */
    public static List<String> packed(List<String> elements, int maxPerPayload) {
        List<String> payloads = new ArrayList<>();
        StringBuilder chunk = new StringBuilder("[");
        int bytes = 2;
        int count = 0;
        for (String element : elements) {
            int size = utf8Bytes(element);
            if (size + 2 > MAX_PAYLOAD_BYTES) {
                LOG.warnf("a notice of %d bytes was left out: a payload holds at most %d", size, MAX_PAYLOAD_BYTES);
                continue;
            }
            if (count > 0 && (count == maxPerPayload || bytes + 1 + size > MAX_PAYLOAD_BYTES)) {
                payloads.add(chunk.append(']').toString());
                chunk = new StringBuilder("[");
                bytes = 2;
                count = 0;
            }
            if (count > 0) {
                chunk.append(',');
                bytes++;
            }
            chunk.append(element);
            bytes += size;
            count++;
        }
        if (count > 0) {
            payloads.add(chunk.append(']').toString());
        }
        return payloads;
    }

    /** The length of {@code text} in UTF-8, counted without encoding it (a gift batch's notices are counted twice). */
    static int utf8Bytes(String text) {
        return io.netty.buffer.ByteBufUtil.utf8Bytes(text);
    }

    /**
     * A notice sent in the caller's transaction {@code tx}: PostgreSQL queues it as the transaction commits (never, if it
     * rolls back), so every instance hears it before any notice sent after that commit. For rare changes only: a
     * transaction that notifies holds PostgreSQL's global notify lock through its commit, which is why the gift path's
     * notices go after their commit ({@link #publish}).
     */
    public static Uni<Void> publishIn(io.vertx.mutiny.sqlclient.SqlClient tx, String channel, String payload) {
        return tx.preparedQuery("select pg_notify($1, $2)").execute(Tuple.of(channel, payload)).replaceWithVoid();
    }

    /** Publish on several channels in one statement (one round trip, one transaction). */
    public Uni<Void> publish(Map<String, List<String>> payloadsByChannel) {
        List<String> channels = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        payloadsByChannel.forEach((channel, list) -> list.forEach(payload -> {
            // (one payload PostgreSQL would refuse must not take the others with it)
            if (utf8Bytes(payload) > MAX_PAYLOAD_BYTES) {
                LOG.warnf("a notice on %s of more than %d bytes was not sent", channel, MAX_PAYLOAD_BYTES);
                return;
            }
            channels.add(channel);
            payloads.add(payload);
        }));
        if (payloads.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return send(channels, payloads)
                .onFailure().invoke(e -> LOG.warnf("a notice on %s was not sent (the change it announces has committed): %s",
                        String.join(", ", payloadsByChannel.keySet()), e.toString()))
                .onFailure().recoverWithNull();
    }

    /** The notifications, or the failure (a timeout after {@link #PUBLISH_TIMEOUT}), back on the caller's context. */
    private Uni<Void> send(List<String> channels, List<String> payloads) {
        // (a timeout fires on a timer's thread: the caller goes on where it was)
        return com.coinstream.db.Contexts.onCallersContext(publisher.preparedQuery("select pg_notify(c, p) from unnest($1::text[], $2::text[]) as n(c, p)")
                .execute(Tuple.of(channels.toArray(String[]::new), payloads.toArray(String[]::new))).replaceWithVoid()
                .ifNoItem().after(PUBLISH_TIMEOUT).fail());
    }

    /** How long a notice may wait for the notification pool before it is given up on (and logged). */
    static final java.time.Duration PUBLISH_TIMEOUT = java.time.Duration.ofSeconds(5);

    public Uni<Void> publish(String channel, String payload) {
        return publish(channel, List.of(payload));
    }

    void start(@Observes StartupEvent ignored) {
        publisher = pools.pool("cluster-events", 2, Map.of("synchronous_commit", "off"));
        // named, so an operator finds each instance's listening connection in pg_stat_activity
        subscriber = PgSubscriber.subscriber(vertx, pools.options(Map.of("application_name", listenerName())))
                // never gives up: after an outage of any length, it listens again (and the caches catch up)
                .reconnectPolicy(retries -> Math.min(500L * (retries + 1), 5_000L));
        for (String channel : new String[] { GIFTS, RATES, CATALOGUE, STREAMS, WALLETS, OVERLAY_KEYS, ACTIVITY, USERS, ERASURES }) {
            var listen = subscriber.channel(channel);
            if (channel.equals(USERS)) {
                // every channel is LISTENed to in one statement on each (re)connect, then each subscription's subscribe
                // handler runs: one is enough (set before the handler, which subscribes)
                listen.subscribeHandler(this::listening);
            }
            listen.handler(payload -> dispatch(channel, payload));
        }
        subscriber.channel(PING).handler(payload -> {
            if (instance.equals(payload)) {
                lastHeard = System.nanoTime();
            }
        });
        connect();
        heartbeats = vertx.setPeriodic(heartbeatMs, id -> heartbeat());
    }

    /** This instance's listening connection, by its application_name in pg_stat_activity. */
    public String listenerName() {
        return "coinstream-listen-" + instance.substring(0, 8);
    }

    /**
     * The listening connection made deaf without closing (it stops listening, as a connection cut silently hears
     * nothing): for tests of the heartbeat only.
     */
    Uni<Void> deafen() {
        return subscriber.actualConnection().query("UNLISTEN *").execute().replaceWithVoid();
    }

    /**
     * A connection can break without closing (a NAT or a failover dropping it silently): it then hears nothing, for good.
     * So this instance notifies itself every beat (COINSTREAM_LISTEN_HEARTBEAT, 10 s), and when nothing has come back for
     * three beats it closes the listening connection, which listens again and runs the catch-ups.
     */
    private void heartbeat() {
        if (System.nanoTime() - lastHeard > 3 * java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(heartbeatMs)) {
            var connection = subscriber.actualConnection();
            if (connection != null) {
                LOG.warnf("Nothing heard on the listening connection for %d ms; listening again", 3 * heartbeatMs);
                lastHeard = System.nanoTime();
                connection.close().subscribe().with(v -> { }, e -> LOG.debugf("closing the deaf listening connection: %s", e.getMessage()));
            }
        }
        // (not publish: a heartbeat missed in an outage is logged at debug, every 10 s, not as a lost notice)
        send(List.of(PING), List.of(instance)).subscribe().with(v -> { }, e -> LOG.debugf("heartbeat not sent: %s", e.getMessage()));
    }

    // The subscriber re-LISTENs by itself after a lost connection (reconnect policy); this covers the first connect.
    private void connect() {
        subscriber.connect().subscribe().with(v -> LOG.debug("Listening for cluster events"), e -> {
            LOG.warnf("Database event connection failed (%s); retrying", e.getMessage());
            vertx.setTimer(1000, id -> connect());
        });
    }

    private void listening() {
        lastHeard = System.nanoTime(); // a fresh connection gets its three beats
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
        if (heartbeats >= 0) {
            vertx.cancelTimer(heartbeats);
        }
        if (subscriber != null) {
            subscriber.closeAndAwait();
        }
    }
}
