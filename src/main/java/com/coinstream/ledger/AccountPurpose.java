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

    /** Coins in circulation, negated: minted on purchase/grant, returned when spent. */
    COIN_ISSUANCE(true, true, true),
    /** Coins given away by the platform (promotions, compensation), negated. */
    PROMOTIONS(true, true, false),
    /** Cash received from the payment processor, negated, per currency. */
    PAYMENT_CLEARING(true, true, false);

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
