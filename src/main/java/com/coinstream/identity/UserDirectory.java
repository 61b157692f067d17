package com.coinstream.identity;

import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.events.ClusterEvents;

import io.quarkus.security.UnauthorizedException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** User rows: created on first authenticated use, display name and region kept current from the token. */
@ApplicationScoped
public class UserDirectory {
    // Bounded memo of (id, name, region) already written, so steady traffic does not upsert per request.
    private static final int MEMO_LIMIT = 500_000;
    // (by person: the claims last read or written for them, so forgetting a person is one removal, not a scan)
    private final Map<String, String> known = new ConcurrentHashMap<>();
    private final Pool pool;
    private final Clock clock;

    private final ClusterEvents cluster;

    public UserDirectory(Pool pool, Clock clock, ClusterEvents cluster) {
        this.pool = pool;
        this.clock = clock;
        this.cluster = cluster;
        // an erased user is forgotten on every instance: their next request reads the row, and is refused
        cluster.on(ClusterEvents.USERS, this::forget);
    }

    void forget(String userId) {
        forgottenAt.put(userId, forgets.incrementAndGet());
        known.remove(userId);
        if (forgottenAt.size() > MEMO_LIMIT) {
            clearedAt = forgets.incrementAndGet();
            forgottenAt.clear();
            known.clear();
        }
    }

    /**
     * When each person was last forgotten ({@link #forget}, numbered in turn): a request that read a person's row before
     * they were forgotten (an erasure, new claims elsewhere) and would remember it after must not (what it read may be
     * what was just forgotten: an erased person's name, an older token's claims passing as current). Bounded as the
     * memo is; once cleared, nothing read before the clearing is remembered ({@link #clearedAt}).
     */
    private final Map<String, Long> forgottenAt = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong forgets = new java.util.concurrent.atomic.AtomicLong();
    private volatile long clearedAt;

    /** However this instance learnt of an erasure (the notice, or the re-read of the database when it was missed). */
    void erased(@jakarta.enterprise.event.Observes ErasedAccounts.AccountErased erased) {
        forget(erased.userId());
    }

    /**
     * Ensures the caller's row, and answers the caller as the service counts them: with the claims of their newest token.
     * A token issued before the one whose claims the row holds (a name or birthdate changed since at the identity
     * provider) writes nothing back, and its request goes on with the row's name, region and birthdate: so an older
     * token neither shows an old name beside the new one nor counts an age corrected since.
     */
    public Uni<Caller> register(Caller caller) {
        // (the claims only: two tokens of one person with the same claims, a phone's and a browser's, share it; a change of
        // the row anywhere makes every instance forget it, USERS)
        String memo = caller.userId() + '\u0000' + caller.displayName() + '\u0000' + caller.region() + '\u0000'
                + caller.birthdate().map(Object::toString).orElse("");
        if (memo.equals(known.get(caller.userId()))) {
            return Uni.createFrom().item(caller);
        }
        long before = forgets.get();
        // Read first: a read-only statement needs no commit flush, and the row is usually there and current.
        return pool.preparedQuery("select display_name, region, birthdate, erased_at, claims_issued_at from app_user where id = $1")
                .execute(Tuple.of(caller.userId()))
                .flatMap(rows -> {
                    var it = rows.iterator();
                    if (it.hasNext()) {
                        var row = it.next();
                        if (row.getValue("erased_at") != null) {
                            // the account was erased: its tokens (old or new) are refused, and nothing of it is written back
                            throw new UnauthorizedException("This account has been erased");
                        }
                        boolean sameBirthdate = Objects.equals(caller.birthdate().orElse(null), row.getLocalDate("birthdate"));
                        if (caller.displayName().equals(row.getString("display_name")) && caller.region().equals(row.getString("region"))
                                && sameBirthdate) {
                            return remembered(memo, caller, before);
                        }
                        if (caller.issuedAt() < row.getLong("claims_issued_at")) {
                            // a token older than the one whose claims the row holds (a birthdate corrected since, say)
                            // never writes its own back: the newest token's word stands, for this request too (not
                            // remembered: each request of the older token reads the row)
                            return Uni.createFrom().item(new Caller(caller.userId(), caller.roles(),
                                    Optional.ofNullable(row.getLocalDate("birthdate")), row.getString("region"), caller.zone(),
                                    row.getString("display_name"), caller.issuedAt()));
                        }
                        // new claims: every instance forgets what it remembered of the person (an older token's claims
                        // among them, which would otherwise pass as current), and reads their live streams again
                        // (StreamDirectory: a new birthdate changes who may receive gifts; a new name, what they show)
                        return upsert(caller).flatMap(wrote -> !wrote ? register(caller) : Uni.createFrom().item(() -> {
                            forget(caller.userId());
                            return forgets.get();
                        }).call(after -> cluster.publish(ClusterEvents.USERS, caller.userId()))
                                .flatMap(after -> remembered(memo, caller, after)));
                    }
                    return upsert(caller).flatMap(wrote -> wrote ? remembered(memo, caller, before) : register(caller));
                });
    }

    /** {@code caller}, remembered unless something was forgotten since {@code before} (then the next request reads again). */
    private Uni<Caller> remembered(String memo, Caller caller, long before) {
        if (known.size() > MEMO_LIMIT) {
            known.clear();
        }
        known.put(caller.userId(), memo);
        if (clearedAt > before || forgottenAt.getOrDefault(caller.userId(), 0L) > before) {
            known.remove(caller.userId(), memo);
        }
        return Uni.createFrom().item(caller);
    }

    /**
     * Writes the caller's claims; false when it wrote nothing: a newer token's claims, the same claims, or an erasure
     * committed since the row was read (the caller is then read again, never remembered as read before).
     */
    private Uni<Boolean> upsert(Caller caller) {
        return pool.preparedQuery("""
                insert into app_user (id, display_name, region, birthdate, created_at, claims_issued_at) values ($1, $2, $3, $4, $5, $6)
                on conflict (id) do update set display_name = excluded.display_name, region = excluded.region,
                    birthdate = excluded.birthdate, claims_issued_at = excluded.claims_issued_at
                where app_user.erased_at is null
                    and app_user.claims_issued_at <= excluded.claims_issued_at
                    and (app_user.display_name, app_user.region, app_user.birthdate)
                        is distinct from (excluded.display_name, excluded.region, excluded.birthdate)
                """)
                .execute(Tuple.of(caller.userId(), caller.displayName(), caller.region(), caller.birthdate().orElse(null),
                        OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC), caller.issuedAt()))
                .map(rows -> rows.rowCount() > 0);
    }

    public Uni<Optional<UserProfile>> find(String userId) {
        return pool.preparedQuery("select id, display_name, region, birthdate from app_user where id = $1")
                .execute(Tuple.of(userId))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return Optional.empty();
                    }
                    var row = it.next();
                    return Optional.of(new UserProfile(row.getString("id"), row.getString("display_name"),
                            row.getString("region"), Optional.ofNullable(row.getLocalDate("birthdate"))));
                });
    }

    /** Public profiles of many users in one statement. */
    public Uni<Map<String, PublicProfile>> profiles(List<String> ids) {
        // (an erased person shows under their pseudonym and a pseudonymous id, never their user id)
        return pool.preparedQuery("select id, display_name, erased_at is not null as erased from app_user where id = any($1)")
                .execute(Tuple.of(ids.toArray(String[]::new))).map(rows -> {
                    Map<String, PublicProfile> found = new HashMap<>();
                    for (var r : rows) {
                        String name = r.getString("display_name");
                        found.put(r.getString("id"), PublicProfile.of(r.getString("id"), name, r.getBoolean("erased")));
                    }
                    return found;
                });
    }

    public record UserProfile(String id, String displayName, String region, Optional<LocalDate> birthdate) {
    }
}
