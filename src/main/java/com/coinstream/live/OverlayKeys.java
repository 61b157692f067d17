package com.coinstream.live;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.coinstream.db.Quotas;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Ids;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.Text;
import com.coinstream.domain.Times;
import com.coinstream.events.ClusterEvents;
import com.coinstream.identity.Caller;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.security.ForbiddenException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Read-only keys for a creator's stream overlay. A key is 32 random bytes, shown once; only its SHA-256 is stored.
 * A key reads the gift events of its creator's streams and nothing else. Revoking one stops its open subscriptions
 * on every instance (LISTEN/NOTIFY), not just new ones.
 */
@ApplicationScoped
public class OverlayKeys {
    static final String PREFIX = "ovk_";
    private static final Logger LOG = Logger.getLogger(OverlayKeys.class);
    private static final int MAX_KEYS = 20;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Pool pool;
    private final Clock clock;
    private final ClusterEvents cluster;
    /** Keys in use here known to be revoked (a subscription checks it per event; new ones check the database). */
    private final Set<UUID> revoked = ConcurrentHashMap.newKeySet();
    /** The keys open subscriptions on this instance read with, and how many read with each. */
    private final ConcurrentHashMap<UUID, Integer> inUse = new ConcurrentHashMap<>();

    /** A new key: the record, and the key itself (shown this once). */
    public record Created(OverlayKey overlayKey, String key) {
    }

    public OverlayKeys(Pool pool, Clock clock, ClusterEvents cluster) {
        this.pool = pool;
        this.clock = clock;
        this.cluster = cluster;
        cluster.on(ClusterEvents.OVERLAY_KEYS, payload -> Ids.parse(payload).ifPresent(revoked::add));
    }

    /**
     * Whether the keys read with here were revoked, asked of the database every 5 s: a key revoked on another instance whose
     * notification never arrived (this instance was not listening, or its connection broke silently) stops its overlays
     * here within seconds all the same; the notification stops them at once. No overlay open here: no query.
     */
    @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> readRevoked() {
        // only keys in use need remembering: a new subscription asks the database (authorize)
        revoked.retainAll(inUse.keySet());
        if (inUse.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // (a key no longer there counts as revoked: an erasure deletes its creator's keys)
        return pool.preparedQuery("select k from unnest($1::uuid[]) k where not exists "
                + "(select 1 from overlay_key o where o.id = k and o.revoked_at is null)")
                .execute(Tuple.of(inUse.keySet().toArray(UUID[]::new)))
                .invoke(rows -> rows.forEach(r -> revoked.add(r.getUUID(0))))
                .onFailure().invoke(e -> LOG.warnf("revoked overlay keys not read: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * {@code events} read with the overlay key {@code keyId}, ended with FORBIDDEN at the first event after this instance
     * knows the key is revoked: at once where it was revoked or notified, within 5 s elsewhere. (An overlay on a quiet
     * stream reads nothing meanwhile: it ends at its next event.)
     */
    public <T> Multi<T> whileValid(UUID keyId, Multi<T> events) {
        // at most READERS_PER_KEY at once on an instance (an overlay reads two streams; a key's thousands, each a fan-out
        // of every gift on connections nobody reads, were a way to fill the heap)
        return READERS.stream(keyId.toString(), () -> events.onSubscription().invoke(() -> inUse.merge(keyId, 1, Integer::sum))
                .onTermination().invoke(() -> inUse.computeIfPresent(keyId, (k, n) -> n == 1 ? null : n - 1))
                .onItem().transform(e -> {
                    if (revoked.contains(keyId)) {
                        throw new ForbiddenException();
                    }
                    return e;
                }));
    }

    /** Overlay keys one creator may make in a day, revoked ones included. */
    public static final int MAX_CREATED_PER_DAY = 50;

    /** Subscriptions one overlay key may hold at once on an instance: a few overlay pages (each reads gifts and activity). */
    public static final int READERS_PER_KEY = 10;
    private static final com.coinstream.domain.AtOnce.PerKey READERS = new com.coinstream.domain.AtOnce.PerKey(READERS_PER_KEY,
            () -> new Refusal(ErrorCode.RATE_LIMITED, "At most " + READERS_PER_KEY + " subscriptions with one overlay key at once; "
                    + "close an overlay first"));

    public Uni<Created> create(Caller creator, String label) {
        String name = Text.require(label, 64, false, "label", "input", "label").strip();
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        OverlayKey record = new OverlayKey(UUID.randomUUID(), creator.userId(), null, name, key.substring(key.length() - 4),
                clock.instant(), null);
        return pool.withTransaction(tx -> Quotas.reserve(tx, "overlay-keys", creator.userId(),
                "select count(*) from overlay_key where creator_id = $1 and revoked_at is null", MAX_KEYS,
                () -> new Refusal(ErrorCode.INVALID_STATE, "You have " + MAX_KEYS + " overlay keys; revoke one first", "input"))
                // (and a few a day, revoked ones counted: a loop of create and revoke added rows without end; the day is
                // counted by the clock that dates the keys, so an instance whose clock runs behind the database's does not
                // shorten it)
                .flatMap(reserved -> Quotas.check(tx, Tuple.of(creator.userId(), Times.utc(record.createdAt())),
                        "select count(*) from overlay_key where creator_id = $1 and created_at > $2::timestamptz - interval '1 day'", MAX_CREATED_PER_DAY,
                        () -> new Refusal(ErrorCode.RATE_LIMITED, "At most " + MAX_CREATED_PER_DAY + " overlay keys a day; use one you have",
                                "input")))
                .flatMap(reserved -> tx.preparedQuery("insert into overlay_key (id, creator_id, label, key_hash, key_hint, created_at) "
                        + "values ($1, $2, $3, $4, $5, $6)").execute(Tuple.tuple().addUUID(record.uuid()).addString(creator.userId())
                                .addString(name).addValue(Buffer.buffer(hash(key))).addString(record.hint())
                                .addOffsetDateTime(Times.utc(record.createdAt())))))
                .map(done -> new Created(view(record), key));
    }

    public Uni<OverlayKey> revoke(Caller creator, String overlayKeyId) {
        UUID id = Ids.require(overlayKeyId, "No such overlay key", "input", "overlayKeyId");
        java.time.OffsetDateTime now = Times.utc(clock.instant());
        return pool.preparedQuery("update overlay_key set revoked_at = coalesce(revoked_at, $3) where id = $1 and creator_id = $2 "
                + "returning id, creator_id, label, key_hint, created_at, revoked_at")
                .execute(Tuple.of(id, creator.userId(), now))
                .flatMap(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw new Refusal(ErrorCode.NOT_FOUND, "No such overlay key", "input", "overlayKeyId");
                    }
                    Row r = rows.iterator().next();
                    OverlayKey key = row(r);
                    revoked.add(key.uuid());
                    // only the revocation itself is told to the other instances (a key revoked again notified them all
                    // each time: a loop of it flooded the shared channel)
                    return r.getOffsetDateTime("revoked_at").equals(now)
                            ? cluster.publish(ClusterEvents.OVERLAY_KEYS, key.uuid().toString()).replaceWith(key)
                            : Uni.createFrom().item(key);
                });
    }

    /** How many keys the list shows at most: every unrevoked one (at most {@link #MAX_KEYS}), then the latest revoked. */
    public static final int LISTED = 100;

    public Uni<List<OverlayKey>> of(Caller creator) {
        return pool.preparedQuery("select id, creator_id, label, key_hint, created_at, revoked_at from overlay_key "
                + "where creator_id = $1 order by revoked_at is not null, created_at desc limit " + LISTED).execute(Tuple.of(creator.userId())).map(rows -> {
                    List<OverlayKey> keys = new ArrayList<>();
                    rows.forEach(r -> keys.add(row(r)));
                    return keys;
                });
    }

    /** The id of {@code key} if it is an unrevoked overlay key of {@code creatorId}; else the refusal FORBIDDEN. */
    public Uni<UUID> authorize(String key, String creatorId) {
        if (key == null || !key.startsWith(PREFIX) || key.length() > 100) {
            return Uni.createFrom().failure(forbidden());
        }
        return pool.preparedQuery("select id from overlay_key where key_hash = $1 and creator_id = $2 and revoked_at is null")
                .execute(Tuple.tuple().addValue(Buffer.buffer(hash(key))).addString(creatorId)).map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw forbidden();
                    }
                    return rows.iterator().next().getUUID(0);
                });
    }

    static Refusal forbidden() {
        return new Refusal(ErrorCode.FORBIDDEN, "This overlay key is not valid for this stream (revoked, or another creator's)");
    }

    private static OverlayKey row(Row r) {
        var revokedAt = r.getOffsetDateTime("revoked_at");
        return view(new OverlayKey(r.getUUID("id"), r.getString("creator_id"), null, r.getString("label"), r.getString("key_hint"),
                r.getOffsetDateTime("created_at").toInstant(), revokedAt == null ? null : revokedAt.toInstant()));
    }

    private static OverlayKey view(OverlayKey k) {
        return new OverlayKey(k.uuid(), k.creatorId(), k.uuid().toString(), k.label(), k.hint(), k.createdAt(), k.revokedAt());
    }

    private static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
