package com.coinstream.gifting;

import java.time.Instant;
import java.util.UUID;

import com.coinstream.catalogue.CatalogueGift;
import com.coinstream.protection.Periods;
import com.coinstream.rates.RateCard;

/**
 * One accepted-for-processing sendGift, as the batch statement needs it (which finds the sender's wallet itself).
 * All checks that need no row lock are done.
 */
public record GiftCommand(
        UUID eventId,
        String senderId,
        /** The sender's name (the room sees "Anonymous" for a gift that goes out anonymous: GiftOutcome.anonymous). */
        String senderName,
        /**
         * Anonymous as the request asked (the feed, goals, matches and leaderboards show "Anonymous"); null when it did not
         * say: the batch follows the sender's setting as the database has it when the gift is made.
         */
        Boolean askedAnonymous,
        /** Sent past the sender's session reminder on purpose (sendGift's confirmed). */
        boolean confirmed,
        String creatorId,
        long earningsAccountId,
        UUID streamId,
        CatalogueGift gift,
        int quantity,
        RateCard.GiftSplit split,
        int rateVersion,
        String idempotencyKey,
        String requestHash,
        String valueCurrency,
        long baseUnitCoins,
        long baseUnitPriceMinor,
        Periods periods,
        /** When the gift was requested: its rate, its calendar periods and its time in the ledger are all of this instant. */
        Instant at) {
}
