package com.coinstream.wallet;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.api.Money;

@Type("Wallet")
@Description("A user's coins and the real money they have paid in.")
public record Wallet(
        @Description("Spendable coins.") long coins,
        @NonNull @Description("Real money paid in for coins, in the caller's regional currency.") Money moneyPaid,
        @NonNull @Description("Real money paid in, per currency (when purchases were made in several).") List<@NonNull Money> moneyPaidByCurrency) {
}
