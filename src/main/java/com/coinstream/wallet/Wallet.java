package com.coinstream.wallet;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.Money;
import com.coinstream.domain.StableIds;

/**
 * A user's coins. Money paid in is resolved on demand (WalletApi), so the gift hot path does not read it. The owner's
 * region comes with it: a field resolved later (moneyValue) may run outside the request that made the wallet, where the
 * caller cannot be read.
 */
@Type("Wallet")
@Description("A user's coins and the real money they have paid in.")
public record Wallet(@Ignore String userId, @Ignore String currency, @Ignore String region, @Description("Spendable coins.") long coins) {

    /** Stable per user, so every answer that carries the wallet (a sendGift payload, a purchase) updates the same cached object. */
    @Id
    @NonNull
    public String getId() {
        return StableIds.of("wallet", userId);
    }
}
