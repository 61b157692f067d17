package com.coinstream.purchase;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class CoinPackages implements PanacheRepositoryBase<CoinPackage, UUID> {

    public Uni<List<CoinPackage>> activeIn(String region) {
        return list("region = ?1 and active = true", Sort.by("coins"), region);
    }
}
