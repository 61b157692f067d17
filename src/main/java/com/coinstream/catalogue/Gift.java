package com.coinstream.catalogue;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A gift in the catalogue. Its price may change; a sent gift keeps the price it was sent at (gift_event.unit_coins). */
@Entity
@Table(name = "gift")
public class Gift extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(nullable = false)
    public String name;
    @Column(nullable = false)
    public long coins;
    @Column(nullable = false)
    public int tier;
    @Column(name = "animation_key", nullable = false)
    public String animationKey;
    /** ISO 3166-1 regions where the gift can be sent; empty = everywhere. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false)
    public String[] regions;
    @Column(name = "active_from", nullable = false)
    public Instant activeFrom;
    @Column(name = "active_until")
    public Instant activeUntil;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
