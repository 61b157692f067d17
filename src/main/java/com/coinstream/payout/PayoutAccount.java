package com.coinstream.payout;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** Where a creator is paid: the payment provider's token for the account, never raw bank numbers. */
@Entity
@Table(name = "payout_account")
public class PayoutAccount extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "owner_id", nullable = false)
    public String ownerId;
    @Column(nullable = false)
    public String kind;
    @Column(name = "external_token", nullable = false)
    public String externalToken;
    @Column(nullable = false)
    public String label;
    @Column(nullable = false)
    public boolean verified;
    @Column(name = "verified_at")
    public Instant verifiedAt;
    @Column(name = "verified_by")
    public String verifiedBy;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** The token as the API shows it: only its last four characters. */
    public String maskedToken() {
        String tail = externalToken.length() <= 4 ? externalToken : externalToken.substring(externalToken.length() - 4);
        return "••••" + tail;
    }
}
