package com.coinstream.purchase;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.db.ReadSessions;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class CoinPackages implements PanacheRepositoryBase<CoinPackage, UUID> {
    private final ReadSessions sessions;

    public CoinPackages(ReadSessions sessions) {
        this.sessions = sessions;
    }

    public Uni<CoinPackage> byId(UUID id) {
        return sessions.read(s -> s.find(CoinPackage.class, id));
    }

    public Uni<List<CoinPackage>> activeIn(String region) {
        return sessions.read(s -> s.createSelectionQuery("from CoinPackage where region = ?1 and active = true order by coins", CoinPackage.class)
                .setParameter(1, region).getResultList());
    }
}
