package com.coinstream.api;

import java.math.BigDecimal;
import java.util.Currency;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/** Real money: held as integer minor units, shown as an exact decimal string plus ISO 4217 currency. */
@Type("Money")
@Description("An exact amount of real money. `amount` is a decimal string (for example \"4.99\"); never a float.")
public final class Money {
    private final long minorUnits;
    private final String currency;

    private Money(long minorUnits, String currency) {
        this.minorUnits = minorUnits;
        this.currency = currency;
    }

    public static Money ofMinor(long minorUnits, String currency) {
        return new Money(minorUnits, currency);
    }

    @NonNull
    @Description("Decimal amount in the currency's major unit, for example \"4.99\".")
    public String getAmount() {
        return BigDecimal.valueOf(minorUnits, fractionDigits(currency)).toPlainString();
    }

    @NonNull
    @Description("ISO 4217 currency code.")
    public String getCurrency() {
        return currency;
    }

    public long minorUnits() {
        return minorUnits;
    }

    public static int fractionDigits(String currency) {
        return Math.max(Currency.getInstance(currency).getDefaultFractionDigits(), 0);
    }
}
