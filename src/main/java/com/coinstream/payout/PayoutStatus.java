package com.coinstream.payout;

/** Where a payout is in its lifecycle: REQUESTED -> APPROVED -> PAID, or REJECTED (from requested or approved) / FAILED (from approved). */
public enum PayoutStatus {
    REQUESTED, APPROVED, PAID, REJECTED, FAILED
}
