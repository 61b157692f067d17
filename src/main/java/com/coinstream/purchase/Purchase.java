package com.coinstream.purchase;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.Money;

@Type("Purchase")
@Description("A purchase of coins with real money. Coins are credited only when the payment is confirmed (status SUCCEEDED).")
public record Purchase(
        @Id @NonNull UUID id,
        @Ignore String userId,
        @Ignore UUID packageId,
        @NonNull @Description("PENDING, SUCCEEDED, FAILED, REFUNDED or CHARGED_BACK. A refund reported before the payment succeeded leaves the purchase REFUNDED without coins ever being credited.") String status,
        long coins,
        @NonNull Money price,
        @Description("Why the payment failed, when it did.") String failureReason,
        @NonNull Instant createdAt) {

    public static final String PENDING = "PENDING";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";
}
