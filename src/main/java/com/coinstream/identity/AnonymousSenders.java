package com.coinstream.identity;

import java.util.HashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.coinstream.events.ClusterEvents;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Who sends anonymously unless a gift says otherwise (setPrivacy anonymousByDefault), known in memory so the gift path
 * reads no extra row: loaded at start, changed at once on the instance that took the change, and on the others when the
 * USERS event arrives (read again every 30 s in case one was missed).
 */
@ApplicationScoped
public class AnonymousSenders {
    private static final Logger LOG = Logger.getLogger(AnonymousSenders.class);
    private volatile Set<String> anonymous = Set.of();
    /** Reads started, the newest read applied, and changes taken here (guarded by this). */
    private long reads;
    private long applied;
    private long changes;
    private final Pool pool;

    public AnonymousSenders(Pool pool) {
        this.pool = pool;
    }

    void load(@Observes StartupEvent ignored, ClusterEvents events) {
        events.on(ClusterEvents.USERS, userId -> reload().subscribe().with(v -> { }, e -> LOG.warnf("anonymous senders not reloaded: %s", e.getMessage())));
        reload().await().indefinitely();
    }

    @Scheduled(every = "30s", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return reload();
    }

    /**
     * Reads everyone's choice again. A read overtaken by a newer one, or by a change this instance took while it ran, is
     * not applied (it would put back a choice as it was before): the first is dropped, the second read again.
     */
    Uni<Void> reload() {
        long ticket;
        long changesAtStart;
        synchronized (this) {
            ticket = ++reads;
            changesAtStart = changes;
        }
        return pool.preparedQuery("select id from app_user where anonymous_by_default and erased_at is null").execute(Tuple.tuple()).map(rows -> {
            Set<String> found = new HashSet<>();
            for (Row r : rows) {
                found.add(r.getString(0));
            }
            synchronized (this) {
                if (ticket < applied) {
                    return true;
                }
                if (changes != changesAtStart) {
                    return false;
                }
                anonymous = Set.copyOf(found);
                applied = ticket;
                return true;
            }
        }).flatMap(done -> done ? Uni.createFrom().voidItem() : reload());
    }

    /** Whether a gift of {@code userId} that does not say is sent anonymously. */
    public boolean byDefault(String userId) {
        return anonymous.contains(userId);
    }

    /** The person's choice committed: this instance follows it at once. */
    public synchronized void changed(String userId, boolean on) {
        changes++;
        Set<String> next = new HashSet<>(anonymous);
        if (on) {
            next.add(userId);
        } else {
            next.remove(userId);
        }
        anonymous = Set.copyOf(next);
    }
}
