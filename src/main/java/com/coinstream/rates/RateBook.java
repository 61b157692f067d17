package com.coinstream.rates;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.coinstream.domain.PolicyConfig;
import com.coinstream.events.ClusterEvents;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * All rate versions, held in memory (there are few) and reloaded when any instance publishes a new
 * version (LISTEN/NOTIFY) and every 30 s as a safety net. The rate in force at an instant is the
 * version with the latest effective_from not after it.
 */
@ApplicationScoped
public class RateBook {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(RateBook.class);
    private final Pool pool;
    private volatile List<RateCard> cards = List.of();
    /** The currency of a region without a published coin price. */
    private final String defaultCurrency;

    public RateBook(Pool pool, ClusterEvents events, PolicyConfig policy) {
        this.pool = pool;
        this.defaultCurrency = policy.defaultCurrency();
        events.on(ClusterEvents.RATES, payload -> reload().subscribe().with(v -> { },
                e -> LOG.warnf("Reloading the rates after a change on another instance failed: %s", e.getMessage())));
        // changed while this instance was not listening: the notification never arrives
        events.onListening(() -> reload().subscribe().with(v -> { }, e -> LOG.warnf("Reloading the rates failed: %s", e.getMessage())));
    }

    void load(@Observes StartupEvent ignored) {
        reload().await().indefinitely();
    }

    @Scheduled(every = "30s", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return reload();
    }

    public RateCard current(Instant at) {
        return inForce(at).orElseThrow(() -> new IllegalStateException("no rate card in force at " + at));
    }

    /** The card in force at {@code at}; empty before the first one took effect. */
    public Optional<RateCard> inForce(Instant at) {
        RateCard found = null;
        for (RateCard card : cards) {
            if (!card.effectiveFrom().isAfter(at)) {
                found = card;
            }
        }
        return Optional.ofNullable(found);
    }

    public List<RateCard> all() {
        return cards;
    }

    private final com.coinstream.db.Reloads reloads = new com.coinstream.db.Reloads();

    public Uni<Void> reload() {
        long ticket = reloads.start();
        return read(pool).invoke(loaded -> reloads.install(ticket, () -> cards = List.copyOf(loaded))).replaceWithVoid();
    }

    /**
     * Installs cards read in a transaction that has committed ({@link #read} inside it): unless a reload that started
     * after this call has installed its own read already, which is as new.
     */
    public void install(List<RateCard> loaded) {
        long ticket = reloads.start();
        reloads.install(ticket, () -> cards = List.copyOf(loaded));
    }

    /** Every rate version, each as its effect order makes it (see {@link #reload}), as {@code client} reads them. */
    public Uni<List<RateCard>> read(io.vertx.mutiny.sqlclient.SqlClient client) {
        return client.query("select version, creator_share_num, creator_share_den, effective_from from rate_card").execute()
                .flatMap(cardRows -> client.query("select version, currency, minor_num, minor_den from rate_diamond_value").execute()
                        .flatMap(valueRows -> client.query(
                                "select version, region, currency, unit_coins, unit_price_minor from rate_coin_price").execute()
                                .map(priceRows -> {
                                    Map<Integer, Map<String, RateCard.Fraction>> values = new HashMap<>();
                                    for (Row r : valueRows) {
                                        values.computeIfAbsent(r.getInteger("version"), v -> new HashMap<>()).put(
                                                r.getString("currency"),
                                                new RateCard.Fraction(r.getLong("minor_num"), r.getLong("minor_den")));
                                    }
                                    Map<Integer, Map<String, RateCard.CoinPrice>> prices = new HashMap<>();
                                    for (Row r : priceRows) {
                                        prices.computeIfAbsent(r.getInteger("version"), v -> new HashMap<>()).put(
                                                r.getString("region"),
                                                new RateCard.CoinPrice(r.getString("region"), r.getString("currency"),
                                                        r.getLong("unit_coins"), r.getLong("unit_price_minor")));
                                    }
                                    List<Row> versions = new ArrayList<>();
                                    cardRows.forEach(versions::add);
                                    versions.sort(Comparator.comparing((Row r) -> r.getOffsetDateTime("effective_from"))
                                            .thenComparing(r -> r.getInteger("version")));
                                    // Each version changes what it names; the rest carries over from the versions
                                    // before it in effect order.
                                    List<RateCard> loaded = new ArrayList<>();
                                    long shareNum = 0;
                                    long shareDen = 1;
                                    Map<String, RateCard.Fraction> valuesSoFar = new HashMap<>();
                                    Map<String, RateCard.CoinPrice> pricesSoFar = new HashMap<>();
                                    for (Row r : versions) {
                                        int version = r.getInteger("version");
                                        if (r.getLong("creator_share_num") != null) {
                                            shareNum = r.getLong("creator_share_num");
                                            shareDen = r.getLong("creator_share_den");
                                        }
                                        valuesSoFar.putAll(values.getOrDefault(version, Map.of()));
                                        pricesSoFar.putAll(prices.getOrDefault(version, Map.of()));
                                        loaded.add(new RateCard(version, shareNum, shareDen, r.getOffsetDateTime("effective_from").toInstant(),
                                                Map.copyOf(valuesSoFar), Map.copyOf(pricesSoFar), defaultCurrency));
                                    }
                                    return loaded;
                                })));
    }
}
