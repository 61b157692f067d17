package com.coinstream.rates;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The currency a region pays in (from its published base price). Cached: a region's currency does not change. */
@ApplicationScoped
public class RegionCurrency {
    public static final String FALLBACK = "USD";
    private final Map<String, String> byRegion = new ConcurrentHashMap<>();
    private final Pool pool;

    public RegionCurrency(Pool pool) {
        this.pool = pool;
    }

    public Uni<String> of(String region) {
        String cached = byRegion.get(region);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return pool.preparedQuery("select currency from coin_base_price where region = $1").execute(Tuple.of(region))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return FALLBACK;
                    }
                    String currency = rows.iterator().next().getString(0);
                    byRegion.put(region, currency);
                    return currency;
                });
    }
}
