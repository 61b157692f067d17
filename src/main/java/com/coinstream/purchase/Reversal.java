package com.coinstream.purchase;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

@Type("PurchaseReversal")
@Description("A refund or chargeback of a purchase, and what it undid.")
public record Reversal(
        @Id @NonNull String id,
        @Id @NonNull String purchaseId,
        @NonNull @Description("REFUND or CHARGEBACK.") String kind,
        @Description("Coins taken back from the wallet.") long coinsClawedBack,
        @Description("Coins the buyer had already spent and now owes (blocks gifting and payouts until a later purchase settles it).") long coinDebt,
        @Description("Gifts funded by the purchase (FIFO) whose diamonds were still pending, now reversed.") int giftsReversed,
        @Description("Pending creator diamonds those gifts had credited, now removed.") long diamondsReversed,
        @NonNull Instant createdAt,
        @Description("When the buyer was erased before this reversal: coins of theirs forfeited at erasure, now retired instead of a debt.") long forfeitRetired,
        @Description("When the buyer was erased before this reversal: the coins nobody can owe any more, written off to DEBT_WRITTEN_OFF.") long coinsWrittenOff,
        @Description("When the buyer was erased before this reversal: coins the reversed gifts returned beyond what it clawed back, forfeited at once.") long coinsForfeited) {
}
