package com.coinstream.live;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A creator's live stream. Gifts are accepted only while it is LIVE. */
@Entity
@Table(name = "live_stream")
public class LiveStream extends PanacheEntityBase {
    public static final String LIVE = "LIVE";
    public static final String ENDED = "ENDED";

    @Id
    public UUID id;
    @Column(insertable = false, updatable = false)
    public Long seq;
    @Column(name = "creator_id", nullable = false)
    public String creatorId;
    @Column(nullable = false)
    public String title;
    @Column(nullable = false)
    public String status;
    @Column(name = "started_at", nullable = false)
    public Instant startedAt;
    @Column(name = "ended_at")
    public Instant endedAt;
}
