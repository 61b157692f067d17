package com.coinstream.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

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
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The people who have been erased, whose tokens (old or new) are refused at authentication, before any operation runs:
 * public queries and subscriptions included (HTTP 401, UNAUTHENTICATED). Held in memory for every request, made from the
 * database at start, told of each erasure on every instance (the USERS channel), and read again every 30 s in case a
 * notification was missed.
 */
@ApplicationScoped
public class ErasedAccounts implements SecurityIdentityAugmentor {
    private static final Logger LOG = Logger.getLogger(ErasedAccounts.class);
    private volatile Set<String> erased = Set.of();
    private boolean loaded;
    private final Pool pool;
    /** Each person newly known to be erased, once per instance: open subscriptions end, live feeds rename them. */
    private final BroadcastProcessor<String> newlyErased = BroadcastProcessor.create();
    private final Event<AccountErased> announce;

    /** A person is now known to be erased on this instance (their pseudonym: what everyone sees of them from now on). */
    public record AccountErased(String userId, String pseudonym) {
    }

    public ErasedAccounts(Pool pool, Event<AccountErased> announce) {
        this.pool = pool;
        this.announce = announce;
    }

    /** Stable for a user, and not their id: "Erased user 3f9a1c07". */
    public static String pseudonym(String userId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(("coinstream-erased:" + userId).getBytes(StandardCharsets.UTF_8));
            return "Erased user " + HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void load(@Observes StartupEvent ignored, ClusterEvents events) {
        events.on(ClusterEvents.USERS, userId -> reload().subscribe().with(v -> { }, e -> LOG.warnf("erased accounts not reloaded: %s", e.getMessage())));
        reload().await().indefinitely();
        synchronized (this) {
            loaded = true;
        }
    }

    @Scheduled(every = "30s", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return reload();
    }

    public Uni<Void> reload() {
        return pool.preparedQuery("select id from app_user where erased_at is not null").execute(Tuple.tuple()).map(rows -> {
            Set<String> found = new HashSet<>();
            for (Row r : rows) {
                found.add(r.getString(0));
            }
            update(found);
            return null;
        });
    }

    /** The erasure of {@code userId} has committed: its tokens are refused here at once. */
    public void markErased(String userId) {
        Set<String> more = new HashSet<>(erased);
        more.add(userId);
        update(more);
    }

    /** Erasure is final: the set only grows. The first load (at start) announces nobody: no feed is open yet. */
    private void update(Set<String> found) {
        List<String> added;
        boolean announced;
        synchronized (this) {
            Set<String> before = erased;
            added = found.stream().filter(id -> !before.contains(id)).toList();
            if (added.isEmpty()) {
                return;
            }
            Set<String> all = new HashSet<>(before);
            all.addAll(added);
            erased = Set.copyOf(all);
            announced = loaded;
            loaded = true;
        }
        if (announced) {
            for (String id : added) {
                newlyErased.onNext(id);
                announce.fire(new AccountErased(id, pseudonym(id)));
            }
        }
    }

    /**
     * {@code events} for a signed-in person, ended with UNAUTHENTICATED the moment this instance learns that they were
     * erased (at once where the erasure ran; on the event, or within 30 s, elsewhere). Null {@code userId}: unchanged.
     */
    public <T> Multi<T> endWhenErased(String userId, Multi<T> events) {
        if (userId == null) {
            return events;
        }
        return Multi.createFrom().emitter(out -> {
            Cancellable items = events.subscribe().with(out::emit, out::fail, out::complete);
            Cancellable gone = newlyErased.filter(userId::equals).subscribe().with(id -> {
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
        });
    }

    public boolean isErased(String userId) {
        return userId != null && erased.contains(userId);
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (!identity.isAnonymous() && identity.getPrincipal() instanceof JsonWebToken token && isErased(token.getSubject())) {
            return Uni.createFrom().failure(new AuthenticationFailedException("This account has been erased"));
        }
        return Uni.createFrom().item(identity);
    }
}
