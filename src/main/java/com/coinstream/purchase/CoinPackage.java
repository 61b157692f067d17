package com.coinstream.purchase;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A coin package on sale in one region at a fixed price. */
@Entity
@Table(name = "coin_package")
public class CoinPackage extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(nullable = false)
    public String region;
    @Column(nullable = false)
    public long coins;
    @Column(name = "price_minor", nullable = false)
    public long priceMinor;
    @Column(nullable = false)
    public String currency;
    @Column(nullable = false)
    public boolean active;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
