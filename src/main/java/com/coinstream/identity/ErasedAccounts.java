package com.coinstream.identity;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Flow.Processor;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import com.coinstream.events.ClusterEvents;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The people who have been erased, whose tokens (old or new) are refused at authentication, before any operation runs:
 * public queries and subscriptions included (HTTP 401, UNAUTHENTICATED). Held in memory for every request, made from the
 * database at start, told of each erasure on every instance (the USERS channel), and, in case a notification was missed,
 * the last minutes' erasures read every 2 s, all of them every 5 minutes and whenever listening resumes.
 */
@ApplicationScoped
public class ErasedAccounts implements SecurityIdentityAugmentor {
    private static final Logger LOG = Logger.getLogger(ErasedAccounts.class);
    /** Erased user id to their pseudonym (their display name since the erasure). */
    private volatile Map<String, String> erased = Map.of();
    /** Pseudonymous id ("erased-3f9a1c07") to the user id behind it; {@link #AMBIGUOUS} when two people drew the same pseudonym. */
    private volatile Map<String, String> byPseudonymousId = Map.of();
    private static final String AMBIGUOUS = "";
    private boolean loaded;
    private final Pool pool;
    /** Each person newly known to be erased, once per instance: open subscriptions end, live feeds rename them. */
    private final Processor<String, String> newlyErased = BroadcastProcessor.<String> create().serialized();
    private final Multi<String> erasures = Multi.createFrom().publisher(newlyErased);
    private final Event<AccountErased> announce;

    /** A person is now known to be erased on this instance (their pseudonym: what everyone sees of them from now on). */
    public record AccountErased(String userId, String pseudonym) {
    }

    public ErasedAccounts(Pool pool, Event<AccountErased> announce) {
        this.pool = pool;
        this.announce = announce;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A new pseudonym for a person being erased: "Erased user 3f9a1c07", random (never derived from their id, so nobody who
     * knew the id can compute it), stored as their display name, and so the same on every instance and after restarts.
     */
    public static String newPseudonym() {
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        return PSEUDONYM_PREFIX + HexFormat.of().formatHex(bytes);
    }

    /** How every pseudonym begins. */
    public static final String PSEUDONYM_PREFIX = "Erased user ";

    /** The id that stands for an erased person wherever a profile is shown ("erased-3f9a1c07"): not their user id. */
    public static String pseudonymousId(String pseudonym) {
        return "erased-" + pseudonym.substring(pseudonym.lastIndexOf(' ') + 1);
    }

    /** The erasure's own notice (ClusterEvents.ERASURES): who, and the pseudonym they have from now on. */
    public static String notice(String userId, String pseudonym) {
        return new io.vertx.core.json.JsonObject().put("userId", userId).put("pseudonym", pseudonym).encode();
    }

    /**
     * An erasure's notice, taken at once, in the order notices arrive: one sent in the erasure's transaction is heard
     * before any gift's sent after its commit, which then carries the pseudonym (a read of the row, as for USERS, would
     * still be under way).
     */
    void heard(String notice) {
        io.vertx.core.json.JsonObject n = new io.vertx.core.json.JsonObject(notice);
        String userId = n.getString("userId");
        String pseudonym = n.getString("pseudonym");
        if (userId != null && pseudonym != null && pseudonym.startsWith(PSEUDONYM_PREFIX)) {
            markErased(userId, pseudonym);
        }
    }

    void load(@Observes StartupEvent ignored, ClusterEvents events) {
        events.on(ClusterEvents.ERASURES, this::heard);
        // the notice names the person: their row is read, whatever the clocks say
        events.on(ClusterEvents.USERS, userId -> read("select id, display_name from app_user where id = $1 and erased_at is not null", Tuple.of(userId))
                .subscribe().with(v -> { }, e -> LOG.warnf("erased accounts not reloaded: %s", e.getMessage())));
        // notified while this instance was not listening: never arrives
        events.onListening(() -> reload().subscribe().with(v -> { }, e -> LOG.warnf("erased accounts not reloaded: %s", e.getMessage())));
        reload().await().indefinitely();
        synchronized (this) {
            loaded = true;
        }
    }

    /**
     * The erasures written in the last {@value #RECENT_MINUTES} minutes by the database's clock (V37), read every 2 s: a
     * notification this instance missed (its listening connection broken, the notifying instance gone right after its
     * commit) costs seconds, not the next full read. An erasure whose transaction took longer than that to commit is
     * caught by the full read every 5 minutes.
     */
    @Scheduled(every = "2s", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> recent() {
        if (!isLoaded()) {
            return Uni.createFrom().voidItem();
        }
        return read("select id, display_name from app_user where erasure_written_at > now() - interval '" + RECENT_MINUTES + " minutes'",
                Tuple.tuple());
    }

    static final int RECENT_MINUTES = 15;

    private synchronized boolean isLoaded() {
        return loaded;
    }

    @Scheduled(every = "5m", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return reload();
    }

    public Uni<Void> reload() {
        return read("select id, display_name from app_user where erased_at is not null", Tuple.tuple());
    }

    private Uni<Void> read(String sql, Tuple args) {
        return pool.preparedQuery(sql).execute(args).map(rows -> {
            Map<String, String> found = new HashMap<>();
            for (Row r : rows) {
                found.put(r.getString(0), r.getString(1));
            }
            update(found);
            return null;
        });
    }

    /** The erasure of {@code userId} has committed: its tokens are refused here at once. */
    public void markErased(String userId, String pseudonym) {
        update(Map.of(userId, pseudonym));
    }

    /** The pseudonym of an erased person, or empty. */
    public Optional<String> pseudonymOf(String userId) {
        return userId == null ? Optional.empty() : Optional.ofNullable(erased.get(userId));
    }

    /**
     * The erased person a pseudonymous id stands for (the id their profile shows, as on the top-creators board), or empty:
     * also when two people drew the same pseudonym, since the id then names neither of them alone.
     */
    public Optional<String> userIdOf(String pseudonymousId) {
        String userId = pseudonymousId == null ? null : byPseudonymousId.get(pseudonymousId);
        return userId == null || userId.equals(AMBIGUOUS) ? Optional.empty() : Optional.of(userId);
    }

    /**
     * {@link #userIdOf}, from the database when this instance has not heard of the erasure yet (committed elsewhere a
     * moment ago, or its notice missed): an instance answers a pseudonymous id as every other does.
     */
    public Uni<Optional<String>> userIdOfNow(String pseudonymousId) {
        Optional<String> known = userIdOf(pseudonymousId);
        if (known.isPresent() || pseudonymousId == null || !pseudonymousId.startsWith("erased-")) {
            return Uni.createFrom().item(known);
        }
        return pool.preparedQuery("select id from app_user where erased_at is not null "
                + "and 'erased-' || substring(display_name from '[^ ]*$') = $1 limit 2").execute(Tuple.of(pseudonymousId))
                .map(rows -> rows.size() == 1 ? Optional.of(rows.iterator().next().getString(0)) : Optional.<String> empty());
    }

    /** Erasure is final: the set only grows. */
    private void update(Map<String, String> found) {
        Map<String, String> added = new HashMap<>();
        boolean announce;
        synchronized (this) {
            Map<String, String> before = erased;
            found.forEach((id, name) -> {
                if (!before.containsKey(id)) {
                    added.put(id, name);
                }
            });
            if (added.isEmpty()) {
                return;
            }
            Map<String, String> all = new HashMap<>(before);
            all.putAll(added);
            erased = Map.copyOf(all);
            Map<String, String> ids = new HashMap<>(byPseudonymousId);
            added.forEach((id, name) -> ids.merge(pseudonymousId(name), id, (one, other) -> AMBIGUOUS));
            byPseudonymousId = Map.copyOf(ids);
            // the first, full read (at start) announces nobody: no feed is open yet
            announce = loaded;
        }
        if (announce) {
            added.forEach((id, name) -> {
                try {
                    newlyErased.onNext(id);
                    this.announce.fire(new AccountErased(id, name));
                } catch (RuntimeException e) {
                    LOG.warnf("the erasure of %s was not announced to every feed: %s", id, e.getMessage());
                }
            });
        }
    }

    /**
     * {@code events} for a signed-in person, ended with UNAUTHENTICATED the moment this instance learns that they were
     * erased (at once where the erasure ran; on the event, or within about 2 s, elsewhere). Null {@code userId}: unchanged.
     */
    public <T> Multi<T> endWhenErased(String userId, Multi<T> events) {
        if (userId == null) {
            return events;
        }
        return Multi.createFrom().<T> emitter(out -> {
            Cancellable items = events.subscribe().with(out::emit, out::fail, out::complete);
            Cancellable gone = erasures.filter(userId::equals).subscribe().with(id -> {
                items.cancel();
                out.fail(new UnauthorizedException("This account has been erased"));
            });
            out.onTermination(() -> {
                items.cancel();
                gone.cancel();
            });
            if (isErased(userId)) {
                items.cancel();
                out.fail(new UnauthorizedException("This account has been erased"));
            }
        }, BackPressureStrategy.DROP)
                // the feeds' own bound (a subscriber too slow to keep up loses events, never the service's memory): the
                // emitter takes everything the feed sends, so the bound is here
                .onOverflow().buffer(SLOW_SUBSCRIBER_BUFFER).onOverflow().drop();
    }

    /**
     * A download's {@code items} for {@code userId}, broken off (as a {@code Cursors.CutOff}: the client sees a download
     * that broke off, never a complete-looking one) at its first item after this instance learns of any erasure, the
     * caller's own or anyone's: a download reads one snapshot for minutes, and what it would send after an erasure
     * could name the erased person (a fan in a creator's gifts received, a creator in a viewer's history) or be theirs.
     * Asked again, it reads the database as the erasure left it. Nothing is buffered or dropped, unlike
     * {@link #endWhenErased}: a download's items are its content. Before it ends, the database is asked whether the caller
     * was erased meanwhile (an erasure on another instance that this one has not heard of yet): if so it breaks off too,
     * so it never ends looking complete.
     */
    public <T> Multi<T> cutOffAtAnErasure(String userId, Multi<T> items) {
        return Multi.createFrom().deferred(() -> {
            int heard = erased.size();
            return items.onItem().invoke(item -> {
                if (erased.size() != heard || isErased(userId)) {
                    throw cutOff();
                }
            }).onCompletion().call(() -> isErasedNow(userId).invoke(gone -> {
                if (gone) {
                    throw cutOff();
                }
            }));
        });
    }

    private static com.coinstream.db.Cursors.CutOff cutOff() {
        return new com.coinstream.db.Cursors.CutOff("a download under way when an erasure completed: cut off (asked again, it reads what the "
                + "erasure left)");
    }

    /** {@code answer}, refused (UNAUTHENTICATED) if the person was erased by the time it is ready, here or elsewhere. */
    public <T> Uni<T> unlessErasedMeanwhile(String userId, Uni<T> answer) {
        return answer.call(a -> isErasedNow(userId).invoke(gone -> {
            if (gone) {
                throw new UnauthorizedException("This account has been erased");
            }
        }));
    }

    public boolean isErased(String userId) {
        return userId != null && erased.containsKey(userId);
    }

    /**
     * Whether {@code userId} is erased, from the database when this instance has not heard of it (an erasure committed
     * elsewhere a moment ago, or one whose notice was missed): for answers that must not tie a user id to a pseudonym.
     */
    public Uni<Boolean> isErasedNow(String userId) {
        if (userId == null || isErased(userId)) {
            return Uni.createFrom().item(userId != null);
        }
        return pool.preparedQuery("select 1 from app_user where id = $1 and erased_at is not null").execute(Tuple.of(userId))
                .map(rows -> rows.size() > 0);
    }

    /** Items a subscriber may fall behind by before the newest are dropped (as the gift feed's own buffer). */
    static final int SLOW_SUBSCRIBER_BUFFER = 512;

    /** The identity attribute Quarkus reads for when an identity expires (epoch seconds, a Long). */
    static final String EXPIRE_TIME = "quarkus.identity.expire-time";

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (!identity.isAnonymous() && identity.getPrincipal() instanceof JsonWebToken token) {
            String problem = TokenClaims.problem(token);
            if (problem != null) {
                return Uni.createFrom().failure(new AuthenticationFailedException("The token " + problem));
            }
            if (isErased(token.getSubject())) {
                return Uni.createFrom().failure(new AuthenticationFailedException("This account has been erased"));
            }
            if (token.getExpirationTime() > 0) {
                // When the token expires: Quarkus' GraphQL WebSocket handler closes the connection it opened then (1008,
                // "Authentication expired"), so a short-lived token does not keep a connection's subscriptions and queries
                // going. (At least a second ahead: the verifier takes a token up to its clock skew past expiry, and the
                // handler's timer needs a delay of a millisecond or more, or it is never set: a whole second ahead of now,
                // rounded up, whatever the millisecond of this second is.)
                long expires = Math.max(token.getExpirationTime(), (System.currentTimeMillis() + 1999) / 1000);
                return Uni.createFrom().item(io.quarkus.security.runtime.QuarkusSecurityIdentity.builder(identity)
                        .addAttribute(EXPIRE_TIME, expires).build());
            }
        }
        return Uni.createFrom().item(identity);
    }
}
