package com.coinstream.rates;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** The published price of coins in a region: {@code unitPriceMinor} minor units buy {@code unitCoins} coins. */
@Entity
@Table(name = "coin_base_price")
public class CoinBasePrice extends PanacheEntityBase {
    @Id
    public String region;
    @Column(nullable = false)
    public String currency;
    @Column(name = "unit_coins", nullable = false)
    public long unitCoins;
    @Column(name = "unit_price_minor", nullable = false)
    public long unitPriceMinor;
    @Column(name = "effective_from", nullable = false)
    public Instant effectiveFrom;

    /**
     * Price of {@code coins} at this base price, rounded UP to the next minor unit: a custom amount
     * never costs less than the published rate, and at most one minor unit more.
     */
    public long priceMinorFor(long coins) {
        return ceilDiv(Math.multiplyExact(coins, unitPriceMinor), unitCoins);
    }

    static long ceilDiv(long dividend, long divisor) {
        return -Math.floorDiv(-dividend, divisor);
    }
}
