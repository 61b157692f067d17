package com.coinstream.domain;

import java.math.BigDecimal;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.NonNull;

/** Real money as a client sends it: an exact decimal string and an ISO 4217 currency. */
@Input("MoneyInput")
@Description("An exact amount of money, for example {amount: \"4.99\", currency: \"USD\"}.")
public class MoneyInput {
    @NonNull
    public String amount;
    @NonNull
    public String currency;

    /** Minor units, refusing unknown currencies, more decimals than the currency has, and non-positive amounts. */
    public Money toPositiveMoney(String... field) {
        String code = Money.currencyCode(currency);
        if (code == null) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "currency must be an ISO 4217 code", field);
        }
        try {
            if (amount == null || amount.length() > 24) {
                throw new NumberFormatException();
            }
            long minor = new BigDecimal(amount).movePointRight(Money.fractionDigits(code)).longValueExact();
            if (minor <= 0) {
                throw new Refusal(ErrorCode.INVALID_AMOUNT, "amount must be positive", field);
            }
            return Money.ofMinor(minor, code);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new Refusal(ErrorCode.INVALID_AMOUNT,
                    "amount must be a decimal with at most " + Money.fractionDigits(code) + " decimals", field);
        }
    }
}
