package com.coinstream.identity;

import java.util.HashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import com.coinstream.events.ClusterEvents;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
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
    private final Pool pool;

    public ErasedAccounts(Pool pool) {
        this.pool = pool;
    }

    void load(@Observes StartupEvent ignored, ClusterEvents events) {
        events.on(ClusterEvents.USERS, userId -> reload().subscribe().with(v -> { }, e -> LOG.warnf("erased accounts not reloaded: %s", e.getMessage())));
        reload().await().indefinitely();
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
            erased = Set.copyOf(found);
            return null;
        });
    }

    /** The erasure of {@code userId} has committed: its tokens are refused here at once. */
    public void markErased(String userId) {
        Set<String> more = new HashSet<>(erased);
        more.add(userId);
        erased = Set.copyOf(more);
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
