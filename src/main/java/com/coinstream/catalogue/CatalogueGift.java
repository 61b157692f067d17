package com.coinstream.catalogue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.Regions;

/** An immutable snapshot of a catalogue gift, as the hot path and the API see it. */
@Type("Gift")
@Description("An animated gift a viewer can send during a live stream.")
public record CatalogueGift(
        @Ignore UUID uuid,
        @Id @NonNull String id,
        @NonNull String name,
        @Description("Current price in coins.") long coins,
        int tier,
        @NonNull @Description("Key of the animation asset the client plays.") String animationKey,
        @NonNull @Description("Regions where it can be sent; empty means everywhere.") List<@NonNull String> regions,
        @NonNull Instant activeFrom,
        Instant activeUntil) {

    public static CatalogueGift of(Gift g) {
        return new CatalogueGift(g.id, g.id.toString(), g.name, g.coins, g.tier, g.animationKey,
                g.regions == null ? List.of() : List.of(g.regions), g.activeFrom, g.activeUntil);
    }

    public boolean activeAt(Instant at) {
        return !activeFrom.isAfter(at) && (activeUntil == null || activeUntil.isAfter(at));
    }

    public boolean availableIn(String region) {
        return regions.isEmpty() || regions.contains(region);
    }
}
