package com.coinstream.catalogue;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.coinstream.events.ClusterEvents;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * The gift catalogue. Held in memory for the gift hot path (it is small), reloaded when any instance
 * changes it (LISTEN/NOTIFY) and every 30 s as a safety net.
 */
@ApplicationScoped
public class GiftCatalogue implements PanacheRepositoryBase<Gift, UUID> {
    private static final Logger LOG = Logger.getLogger(GiftCatalogue.class);
    private volatile Map<UUID, CatalogueGift> gifts = Map.of();
    private final Pool pool;

    public GiftCatalogue(Pool pool) {
        this.pool = pool;
    }

    void load(@Observes StartupEvent ignored, ClusterEvents events) {
        events.on(ClusterEvents.CATALOGUE, payload -> reload().subscribe().with(v -> { },
                e -> LOG.warnf("Reloading the gift catalogue after a change on another instance failed: %s", e.getMessage())));
        // changed while this instance was not listening: the notification never arrives
        events.onListening(() -> reload().subscribe().with(v -> { }, e -> LOG.warnf("Reloading the gift catalogue failed: %s", e.getMessage())));
        reload().await().indefinitely();
    }

    @Scheduled(every = "30s", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return reload();
    }

    private final com.coinstream.db.Reloads reloads = new com.coinstream.db.Reloads();

    public Uni<Void> reload() {
        long ticket = reloads.start();
        return pool.query("select id, name, coins, tier, animation_key, regions, active_from, active_until from gift").execute()
                .map(rows -> {
                    Map<UUID, CatalogueGift> loaded = new HashMap<>();
                    for (Row r : rows) {
                        UUID id = r.getUUID("id");
                        try {
                            loaded.put(id, read(r));
                        } catch (RuntimeException e) {
                            // one row the catalogue cannot read must not take the whole catalogue (and every later change) with it
                            LOG.errorf("gift %s cannot be read and is left out of the catalogue: %s", id, e.getMessage());
                        }
                    }
                    reloads.install(ticket, () -> gifts = Map.copyOf(loaded));
                    return null;
                });
    }

    private static CatalogueGift read(Row r) {
        UUID id = r.getUUID("id");
        String[] regions = r.getArrayOfStrings("regions");
        return new CatalogueGift(id, id.toString(), r.getString("name"), r.getLong("coins"), r.getInteger("tier"), r.getString("animation_key"),
                regions == null ? List.of() : List.of(regions), r.getOffsetDateTime("active_from").toInstant(),
                r.getOffsetDateTime("active_until") == null ? null : r.getOffsetDateTime("active_until").toInstant());
    }

    public Optional<CatalogueGift> find(UUID id) {
        return Optional.ofNullable(gifts.get(id));
    }

    /**
     * The gift a goal or a match is to count: NOT_FOUND when there is none, GIFT_UNAVAILABLE when it was retired by
     * {@code at} (no gift of it can arrive: a goal that never moves, a match no gift scores in).
     */
    public UUID requireCountable(String id, Instant at, String... field) {
        CatalogueGift gift = com.coinstream.domain.Ids.parse(id).flatMap(this::find)
                .orElseThrow(() -> new com.coinstream.domain.Refusal(com.coinstream.domain.ErrorCode.NOT_FOUND, "No such gift", field));
        if (gift.activeUntil() != null && !gift.activeUntil().isAfter(at)) {
            throw new com.coinstream.domain.Refusal(com.coinstream.domain.ErrorCode.GIFT_UNAVAILABLE, gift.name() + " is retired: it can no "
                    + "longer be sent", field);
        }
        return gift.uuid();
    }

    public Map<UUID, CatalogueGift> snapshot() {
        return gifts;
    }

    /** Gifts a viewer in {@code region} can send at {@code at}, cheapest first. */
    public List<CatalogueGift> available(String region, Instant at) {
        return gifts.values().stream().filter(g -> g.activeAt(at) && g.availableIn(region))
                .sorted(Comparator.comparingLong(CatalogueGift::coins).thenComparing(CatalogueGift::name)).toList();
    }
}
