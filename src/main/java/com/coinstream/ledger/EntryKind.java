package com.coinstream.ledger;

/** What caused a journal entry. Each kind has its business record, which ledgerAudit reconciles with the entry. */
public enum EntryKind {
    /** Coins bought: the purchase. */
    PURCHASE,
    /** Coins given by an admin. */
    GRANT,
    /** Coins spent on a gift: the gift event (written by the spend batch). */
    GIFT,
    /** A refund or chargeback: the purchase reversal. */
    REVERSAL,
    /** Coins owed after a reversal, repaid by a later purchase. */
    DEBT_SETTLEMENT,
    /** Diamonds past the hold, moved to available: the gifts it matured. */
    MATURITY,
    /** Diamonds set aside for a payout request. */
    PAYOUT,
    /** A payout paid: diamonds retired, cash recorded. */
    PAYOUT_PAID,
    /** A payout rejected or failed: diamonds back to available. */
    PAYOUT_REVERSAL,
    /** Fees of a settlement report, per currency: its provider_fee rows. */
    PROVIDER_FEE,
    /** An erased account's remaining coins, forfeited: its erasure request. */
    ERASURE_FORFEIT
}
