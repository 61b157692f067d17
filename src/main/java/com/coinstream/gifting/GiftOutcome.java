package com.coinstream.gifting;

import java.time.Instant;

/**
 * What the batch statement decided for one gift; {@code anonymous}: whether the gift went out anonymous (as asked, or, when
 * the request did not say, as the sender's setting was when the gift was made).
 */
public record GiftOutcome(Kind kind, long entryId, long walletAfter, long seq, long streamSeq, Long valueMinor, long streamTotalCoins,
        Instant createdAt, boolean anonymous) {

    public enum Kind {
        /** Coins moved; the gift event exists. */
        SENT,
        /** The idempotency key was already used by this caller: look the original up. */
        KEY_SEEN,
        /** The stream is not live (any more). */
        NOT_LIVE,
        /** The stream's creator may not receive gifts (under the age of the rule, as their row holds their birthdate). */
        CREATOR_UNDER_AGE,
        /** The sender's account is on hold. */
        ON_HOLD,
        /** The sender was erased while the gift was in flight (the erasure took the owner lock first). */
        ERASED,
        /** The sender owes coins (a refunded purchase they had spent). */
        IN_DEBT,
        /** The gift would pass one of the sender's spending limits. */
        LIMIT_REACHED,
        /** The sender has sent their gifts per second already (the pace on their wallet row, across every instance). */
        RATE_LIMITED,
        /** The sender has sent their session reminder's coins in this stream; the gift was not confirmed. */
        CONFIRMATION_REQUIRED,
        /** The wallet cannot cover the gift. */
        INSUFFICIENT_COINS
    }

    public static GiftOutcome of(Kind kind) {
        return new GiftOutcome(kind, 0, 0, 0, 0, null, 0, null, false);
    }
}
