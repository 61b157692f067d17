package com.coinstream.live;

import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.events.ClusterEvents;

import io.smallrye.mutiny.Uni;
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

    private record Remembered(StreamInfo info, long readAt) {
    }
    private final Pool pool;

    public record StreamInfo(UUID id, String creatorId, String creatorName, Optional<LocalDate> creatorBirthdate, boolean live) {
    }

    public StreamDirectory(Pool pool, ClusterEvents events) {
        this.pool = pool;
        events.on(ClusterEvents.STREAMS, payload -> {
            try {
                streams.remove(UUID.fromString(payload));
            } catch (IllegalArgumentException ignored) {
                streams.clear();
            }
        });
        // a person whose birthdate (or erasure) changed: their live streams are read again, with whether they may receive
        events.on(ClusterEvents.USERS, userId -> streams.values().removeIf(stream -> stream.info().creatorId().equals(userId)));
    }

    public Uni<Optional<StreamInfo>> find(UUID id) {
        Remembered cached = streams.get(id);
        if (cached != null && System.nanoTime() - cached.readAt() < REMEMBERED_NANOS) {
            return Uni.createFrom().item(Optional.of(cached.info()));
        }
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
            if (info.live()) {
                if (streams.size() > LIMIT) {
                    streams.clear();
                }
                streams.put(id, new Remembered(info, System.nanoTime()));
            }
            return Optional.of(info);
        });
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
