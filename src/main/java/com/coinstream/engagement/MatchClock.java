package com.coinstream.engagement;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Closes matches at the end of their window and expires unanswered invitations, every second on every instance (the close
 * is a conditional update: each match closes once). The window itself is exact without it: after ends_at no gift scores.
 */
@ApplicationScoped
public class MatchClock {
    private static final Logger LOG = Logger.getLogger(MatchClock.class);
    private final Matches matches;

    public MatchClock(Matches matches) {
        this.matches = matches;
    }

    @Scheduled(every = "1s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> closeDue() {
        return matches.closeDue().replaceWithVoid().onFailure().recoverWithUni(e -> {
            LOG.debugf("Match close skipped: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        });
    }
}
