package com.coinstream.gifting;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.Money;

/** A sent gift, as its sender and its creator see it. Everything is as it was when it was sent. */
@Type("GiftReceipt")
@Description("A sent gift: what it cost, how it split between the creator and the platform, and the rates applied.")
public record GiftReceipt(
        @Ignore UUID uuid,
        @Ignore long position,
        @Ignore UUID giftId,
        @Ignore UUID streamId,
        @Ignore String senderId,
        @Ignore String creatorId,
        @Id @NonNull String id,
        int quantity,
        @Description("Price of one gift, in coins, when it was sent.") long unitCoins,
        @Description("Coins spent (unitCoins x quantity).") long coins,
        @Description("Whole diamonds credited to the creator.") long creatorDiamonds,
        @Description("The platform's commission, in diamond-units (coins - creatorDiamonds).") long platformCommission,
        @Description("Real-money value of the coins spent, at the weighted-average price this viewer paid for their coins (or the region's base price before any purchase). Null in a creator's giftsReceived for an anonymous gift: priced in the sender's currency at the sender's own price, it would tell who sent it.") Money value,
        @Description("The rate version applied.") int rateVersion,
        @NonNull Instant createdAt,
        @Description("When the creator thanked the sender, if they did.") Instant acknowledgedAt,
        @Description("Sent anonymously: everyone but the sender sees \"Anonymous\" as its sender.") boolean anonymous) {

    /** This receipt as its creator sees it: an anonymous gift without its value (the sender's currency and price). */
    public GiftReceipt asReceived() {
        return !anonymous || value == null ? this
                : new GiftReceipt(uuid, position, giftId, streamId, senderId, creatorId, id, quantity, unitCoins, coins, creatorDiamonds,
                        platformCommission, null, rateVersion, createdAt, acknowledgedAt, anonymous);
    }
}
