package com.coinstream.live;

import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.coinstream.events.ClusterEvents;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Read-through cache of what the gift hot path needs to know about a stream. Only a hint: the gift
 * batch re-checks status = 'LIVE' in the same statement that moves the coins. Ended streams are evicted
 * on every instance through LISTEN/NOTIFY.
 */
@ApplicationScoped
public class StreamDirectory {
    private static final int LIMIT = 100_000;
    private final Map<UUID, Remembered> streams = new ConcurrentHashMap<>();
    /**
     * How long a stream is remembered before it is read again: what a notice says comes at once, and this bounds what a
     * lost notice can leave behind (a creator's new birthdate, say, which decides whether the stream may receive gifts).
     */
    static final long REMEMBERED_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    /**
     * How long a subscription to a stream's gifts goes on once the stream is known to have ended: the gifts committed
     * before the end reach the subscriber first.
     */
    public static final java.time.Duration ENDED_GRACE = java.time.Duration.ofSeconds(2);
    private static final Logger LOG = Logger.getLogger(StreamDirectory.class);

    private record Remembered(StreamInfo info, long readAt) {
    }
    /**
     * How many times a person's notice (a birthdate or an erasure changed) made this instance forget their streams. (A
     * stream's own end needs no such care: the gift batch checks that a stream is live itself.)
     */
    private final java.util.concurrent.atomic.AtomicLong forgets = new java.util.concurrent.atomic.AtomicLong();
    private final Pool pool;
    /** Streams someone on this instance subscribed to (how many subscriptions), and those of them known to have ended. */
    private final Map<UUID, Integer> followed = new ConcurrentHashMap<>();
    private final java.util.concurrent.Flow.Processor<UUID, UUID> ended = BroadcastProcessor.<UUID> create().serialized();
    private final Multi<UUID> endedStreams = Multi.createFrom().publisher(ended);

    public record StreamInfo(UUID id, String creatorId, String creatorName, Optional<LocalDate> creatorBirthdate, boolean live) {
    }

    public StreamDirectory(Pool pool, ClusterEvents events) {
        this.pool = pool;
        events.on(ClusterEvents.STREAMS, payload -> {
            try {
                UUID id = UUID.fromString(payload);
                streams.remove(id);
                if (followed.containsKey(id)) {
                    readEnded(new UUID[] { id }).subscribe().with(done -> {
                    });
                }
            } catch (IllegalArgumentException ignored) {
                streams.clear();
            }
        });
        // a person whose birthdate (or erasure) changed: their live streams are read again, with whether they may receive
        events.on(ClusterEvents.USERS, userId -> {
            forgets.incrementAndGet();
            streams.values().removeIf(stream -> stream.info().creatorId().equals(userId));
        });
    }

    public Uni<Optional<StreamInfo>> find(UUID id) {
        Remembered cached = streams.get(id);
        if (cached != null && System.nanoTime() - cached.readAt() < REMEMBERED_NANOS) {
            return Uni.createFrom().item(Optional.of(cached.info()));
        }
        long forgot = forgets.get();
        return pool.preparedQuery("""
                select s.id, s.creator_id, s.status, u.display_name, u.birthdate
                from live_stream s join app_user u on u.id = s.creator_id where s.id = $1
                """).execute(Tuple.of(id)).map(rows -> {
            if (!rows.iterator().hasNext()) {
                return Optional.empty();
            }
            Row r = rows.iterator().next();
            StreamInfo info = new StreamInfo(id, r.getString("creator_id"), r.getString("display_name"),
                    Optional.ofNullable(r.getLocalDate("birthdate")), LiveStream.LIVE.equals(r.getString("status")));
            // (not remembered when a notice made this instance forget streams during the read: the read may be from before
            // the change the notice told of, and would be trusted for REMEMBERED_NANOS: a creator who had just become a
            // minor received gifts for 30 s more)
            if (info.live() && forgets.get() == forgot) {
                if (streams.size() > LIMIT) {
                    streams.clear();
                }
                streams.put(id, new Remembered(info, System.nanoTime()));
            }
            return Optional.of(info);
        });
    }

    /**
     * {@code events} of the live stream {@code streamId} until it ends: they complete {@code grace} after this instance
     * knows the stream ended (at once where it was ended or notified, within 5 s elsewhere), so what the end brings
     * (the last gifts, the combos, goals and match it ended) comes first.
     */
    public <T> Multi<T> whileLive(UUID streamId, java.time.Duration grace, Multi<T> events) {
        Multi<Optional<T>> closing = endedStreams.filter(streamId::equals).toUni().onItem().delayIt().by(grace).toMulti()
                .map(id -> Optional.empty());
        return Multi.createBy().merging().streams(events.map(Optional::of), closing)
                .select().first(Optional::isPresent).map(Optional::get)
                .onSubscription().invoke(() -> followed.merge(streamId, 1, Integer::sum))
                .onTermination().invoke(() -> followed.computeIfPresent(streamId, (k, n) -> n == 1 ? null : n - 1));
    }

    /**
     * Whether the streams subscribed to here have ended, asked of the database every 5 s: a stream ended on another
     * instance whose notice never arrived still ends its subscriptions here. No subscription here: no query.
     */
    @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> readEnded() {
        return followed.isEmpty() ? Uni.createFrom().voidItem() : readEnded(followed.keySet().toArray(UUID[]::new));
    }

    private Uni<Void> readEnded(UUID[] ids) {
        return pool.preparedQuery("select id from live_stream where id = any($1) and status <> 'LIVE'").execute(Tuple.of(ids))
                .invoke(rows -> rows.forEach(r -> {
                    streams.remove(r.getUUID(0));
                    ended.onNext(r.getUUID(0));
                }))
                .onFailure().invoke(e -> LOG.warnf("ended streams not read: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    public void evict(UUID id) {
        streams.remove(id);
    }

    /**
     * An erased creator's streams are read again (their name and birthdate are no longer theirs to keep), however this
     * instance learnt of the erasure: the streams' notice, or the re-read of the database when that notice was missed.
     */
    void erased(@jakarta.enterprise.event.Observes com.coinstream.identity.ErasedAccounts.AccountErased erased) {
        streams.values().removeIf(stream -> stream.info().creatorId().equals(erased.userId()));
    }
}
