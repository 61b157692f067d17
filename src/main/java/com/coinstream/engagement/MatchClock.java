package com.coinstream.engagement;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.coinstream.db.DedicatedPools;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Closes matches at the end of their window and expires unanswered invitations, every second on every instance (the close
 * is a conditional update: each match closes once). The window itself is exact without it: after ends_at no gift scores.
 */
@ApplicationScoped
public class MatchClock {
    private static final Logger LOG = Logger.getLogger(MatchClock.class);
    private final Matches matches;
    private final DedicatedPools pools;
    private Pool pool;

    public MatchClock(Matches matches, DedicatedPools pools) {
        this.matches = matches;
        this.pools = pools;
    }

    void start(@Observes StartupEvent ignored) {
        pool = pools.pool("match-clock", 1, Map.of()); // its own connection: a tick never waits behind API work
    }

    @Scheduled(every = "1s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> closeDue() {
        if (pool == null) {
            return Uni.createFrom().voidItem();
        }
        return matches.closeDue(pool).replaceWithVoid().onFailure().recoverWithUni(e -> {
            LOG.debugf("Match close skipped: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        });
    }
}
