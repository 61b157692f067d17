package com.coinstream.ledger;

/**
 * The kinds of ledger account. Only platform contra accounts may go below zero: they mirror
 * what the platform has issued or received, so their balance is the negative of what is out there.
 * A "hot" account is written by many concurrent entries and is split over slot rows.
 */
public enum AccountPurpose {
    /** A user's spendable coins. */
    WALLET(false, false, false),
    /** Real money a user has paid in, per currency (the wallet's "moneyPaid"). */
    FUNDING(false, false, false),
    /** A creator's diamonds from gifts, not yet past the hold period. Credited by every gift: hot. */
    DIAMONDS_PENDING(false, false, true),
    /** A creator's diamonds that may be cashed out. */
    DIAMONDS_AVAILABLE(false, false, false),
    /** A creator's diamonds in a payout that is not finished. */
    DIAMONDS_IN_PAYOUT(false, false, false),
    /** Coins a user owes after a refund or chargeback of coins they had already spent. Blocks gifting and payouts. */
    COIN_DEBT(false, false, false),
    /** Real money paid out to a creator, per currency. */
    CASHED_OUT(false, false, false),

    /** Coins in circulation, negated: minted on purchase/grant, returned when spent. */
    COIN_ISSUANCE(true, true, true),
    /** Coins given away by the platform (promotions, compensation), negated. */
    PROMOTIONS(true, true, false),
    /** Cash received from the payment processor, negated, per currency. */
    PAYMENT_CLEARING(true, true, false),
    /** Diamond-units created when coins are spent on gifts, negated (one unit per coin spent). */
    DIAMOND_ISSUANCE(true, true, true),
    /** The platform's share of gifts, in diamond-units (the remainder after the creator's whole diamonds). */
    COMMISSION(true, false, true),
    /** Cash paid out to creators, negated, per currency. */
    PAYOUT_CLEARING(true, true, false),
    /** Fees the payment provider kept, negated, per currency (booked from its settlement reports). */
    PROVIDER_FEES(true, true, false),
    /** Coins of erased accounts, forfeited to the platform (the stated rule of erasure). */
    FORFEITED_COINS(true, false, false),
    /**
     * Coins owed by erased accounts that nobody can repay, written off: the platform's loss. Each amount comes from an
     * ERASURE_FORFEIT entry (a debt the person had) or a REVERSAL entry (a chargeback that arrived after the erasure).
     */
    DEBT_WRITTEN_OFF(true, false, false),
    /**
     * Diamonds of erased creators, fewer than the cash-out minimum, forfeited to the platform: held diamonds that could
     * never be cashed out would otherwise keep a person from being erased at all.
     */
    FORFEITED_DIAMONDS(true, false, false);

    private final boolean platform;
    private final boolean allowNegative;
    private final boolean hot;

    AccountPurpose(boolean platform, boolean allowNegative, boolean hot) {
        this.platform = platform;
        this.allowNegative = allowNegative;
        this.hot = hot;
    }

    public boolean platform() {
        return platform;
    }

    public boolean allowNegative() {
        return allowNegative;
    }

    public boolean hot() {
        return hot;
    }
}
