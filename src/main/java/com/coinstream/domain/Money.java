package com.coinstream.domain;

import java.math.BigDecimal;
import java.util.Currency;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/**
 * Real money as an exact decimal and an ISO 4217 currency. Balances and prices are whole minor units;
 * only published rates (a diamond is worth USD 0.005) may carry finer decimals.
 */
@Type("Money")
@Description("An exact amount of real money. `amount` is a decimal string (for example \"4.99\"); never a float.")
public final class Money {
    // Not named "amount": SmallRye would take the field's type (BigDecimal) for the schema instead of the getter's String.
    private final BigDecimal decimal;
    private final String currency;

    private Money(BigDecimal decimal, String currency) {
        this.decimal = decimal;
        this.currency = currency;
    }

    public static Money ofMinor(long minorUnits, String currency) {
        return new Money(BigDecimal.valueOf(minorUnits, fractionDigits(currency)), currency);
    }

    /** An exact amount that may be finer than the currency's minor unit (rates only). */
    public static Money exact(BigDecimal amount, String currency) {
        BigDecimal scaled = amount.scale() < fractionDigits(currency) ? amount.setScale(fractionDigits(currency)) : amount;
        return new Money(scaled, currency);
    }

    @NonNull
    @Description("Decimal amount in the currency's major unit, for example \"4.99\".")
    public String getAmount() {
        return decimal.toPlainString();
    }

    @NonNull
    @Description("ISO 4217 currency code.")
    public String getCurrency() {
        return currency;
    }

    /** Whole minor units; fails for a rate finer than the currency's minor unit. */
    public long minorUnits() {
        return decimal.movePointRight(fractionDigits(currency)).longValueExact();
    }

    /**
     * The ISO 4217 code {@code text} names (three upper-case letters the JVM knows as a currency), or null: the one test
     * of a currency given from outside (arguments, inputs, report lines). Each caller refuses null in its own words.
     */
    public static String currencyCode(String text) {
        if (text == null || text.length() != 3 || !text.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
            return null;
        }
        try {
            return Currency.getInstance(text).getCurrencyCode();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public static int fractionDigits(String currency) {
        return Math.max(Currency.getInstance(currency).getDefaultFractionDigits(), 0);
    }
}
