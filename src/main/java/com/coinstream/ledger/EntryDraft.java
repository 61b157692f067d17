package com.coinstream.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A journal entry before it is written: a cause, the rates applied, and transfers. Built from
 * transfers, so every entry balances per asset by construction.
 */
public final class EntryDraft {
    private final EntryKind kind;
    private final UUID causeId;
    private final Instant at;
    private final List<Transfer> transfers = new ArrayList<>();
    private Integer rateVersion;
    private String memo;

    private EntryDraft(EntryKind kind, UUID causeId, Instant at) {
        this.kind = kind;
        this.causeId = causeId;
        this.at = at;
    }

    public static EntryDraft of(EntryKind kind, UUID causeId, Instant at) {
        return new EntryDraft(kind, causeId, at);
    }

    public EntryDraft move(AccountKey from, AccountKey to, long amount) {
        transfers.add(new Transfer(from, to, amount));
        return this;
    }

    /** A transfer that debits a named slot row of {@code from} (a split account). */
    public EntryDraft moveFromSlot(AccountKey from, int fromSlot, AccountKey to, long amount) {
        transfers.add(new Transfer(from, fromSlot, to, null, amount));
        return this;
    }

    public boolean isEmpty() {
        return transfers.isEmpty();
    }

    public EntryDraft rateVersion(Integer version) {
        this.rateVersion = version;
        return this;
    }

    public EntryDraft memo(String memo) {
        this.memo = memo;
        return this;
    }

    public EntryKind kind() {
        return kind;
    }

    public UUID causeId() {
        return causeId;
    }

    public Instant at() {
        return at;
    }

    public List<Transfer> transfers() {
        return List.copyOf(transfers);
    }

    public Integer rateVersion() {
        return rateVersion;
    }

    public String memo() {
        return memo;
    }
}
