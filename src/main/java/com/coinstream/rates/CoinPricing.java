package com.coinstream.rates;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Base coin prices per region. */
@ApplicationScoped
public class CoinPricing implements PanacheRepositoryBase<CoinBasePrice, String> {

    public Uni<Optional<CoinBasePrice>> forRegion(String region) {
        return findById(region).map(Optional::ofNullable);
    }

    public Uni<List<CoinBasePrice>> all() {
        return listAll(io.quarkus.panache.common.Sort.by("region"));
    }
}
