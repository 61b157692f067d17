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
    /** The latest changes taken here, oldest first (at most {@value #LOG_SIZE}; guarded by this). */
    private final java.util.ArrayDeque<Change> log = new java.util.ArrayDeque<>();
    private static final int LOG_SIZE = 10_000;
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
     * Reads everyone's choice again. A read overtaken by a newer one is dropped; the changes this instance took while a
     * read ran are applied again on top of what it found (it may have started before they committed), so a read never
     * puts back a choice as it was before. Only if more changes came meanwhile than the log keeps is it read again.
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
                if (changes != changesAtStart && (log.isEmpty() || log.peekFirst().seq() > changesAtStart + 1)) {
                    return false; // the log no longer holds every change since this read started
                }
                for (Change c : log) {
                    if (c.seq() > changesAtStart) {
                        if (c.on()) {
                            found.add(c.userId());
                        } else {
                            found.remove(c.userId());
                        }
                    }
                }
                anonymous = Set.copyOf(found);
                applied = ticket;
                return true;
            }
        }).flatMap(done -> done ? Uni.createFrom().voidItem() : reload());
    }

    /** A choice this instance took, in the order taken. */
    private record Change(long seq, String userId, boolean on) {
    }

    /** Whether a gift of {@code userId} that does not say is sent anonymously. */
    public boolean byDefault(String userId) {
        return anonymous.contains(userId);
    }

    /** The person's choice committed: this instance follows it at once. */
    public synchronized void changed(String userId, boolean on) {
        changes++;
        log.addLast(new Change(changes, userId, on));
        if (log.size() > LOG_SIZE) {
            log.removeFirst();
        }
        Set<String> next = new HashSet<>(anonymous);
        if (on) {
            next.add(userId);
        } else {
            next.remove(userId);
        }
        anonymous = Set.copyOf(next);
    }
}
