package com.coinstream.gifting;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/** A committed gift as everyone in the stream sees it. */
@Type("GiftEvent")
@Description("A gift sent in a live stream, as the room sees it. Only committed gifts are published.")
public record GiftEvent(
        @Ignore UUID streamUuid,
        @Ignore UUID giftId,
        @Ignore String giftName,
        @Ignore long unitCoins,
        /** The sender (never shown: the room sees senderName, "Anonymous" for an anonymous gift); keys combos. */
        @Ignore String senderId,
        @Ignore boolean anonymous,
        @Id @NonNull String id,
        @Id @NonNull String streamId,
        @Description("This gift's number in its stream: 1, 2, 3 ... in commit order. A jump means events were missed (a reconnect, or a "
                + "subscriber too slow to keep up): read them with streamEvents(after:).") long sequence,
        int quantity,
        @Description("Coins spent on this gift event.") long coins,
        @NonNull String senderName,
        @Description("Coins the stream has received so far, including this gift.") long streamTotal,
        @NonNull Instant createdAt,
        @Description("Set when the creator has thanked the sender (the event is published again).") Instant acknowledgedAt) {
}
