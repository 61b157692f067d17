package com.coinstream.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** One test of a currency given from outside: every argument, input and report line asks {@link Money#currencyCode}. */
@Tag("fast")
class CurrencyCodeTest {
    @Test
    void onlyKnownUpperCaseCodesAreCurrencies() {
        assertEquals("USD", Money.currencyCode("USD"));
        assertEquals("JPY", Money.currencyCode("JPY"));
        for (String bad : new String[] { null, "", "usd", "Usd", "US", "USDX", "ZZZ", "U\u0000D", " USD", "ＵＳＤ", "\uD800SD" }) {
            assertNull(Money.currencyCode(bad), String.valueOf(bad));
        }
    }

    @Test
    void theArgumentsAndInputsRefuseWhatItRefuses() {
        assertThrows(BadInput.class, () -> Regions.requireCurrency("usd"));
        MoneyInput input = new MoneyInput();
        input.amount = "1.00";
        input.currency = "ZZZ";
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(Refusal.class, () -> input.toPositiveMoney("price")).code());
        input.currency = "USD";
        assertEquals(100, input.toPositiveMoney("price").minorUnits());
    }
}
