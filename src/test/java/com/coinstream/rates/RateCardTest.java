package com.coinstream.rates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The published rates as arithmetic: exact integers, rounding in the stated direction, nothing lost. */
@Tag("fast")
class RateCardTest {
    static RateCard card(long num, long den) {
        return new RateCard(1, num, den, Instant.EPOCH, Map.of("USD", new RateCard.Fraction(1, 2), "GBP", new RateCard.Fraction(2, 5)),
                Map.of("US", new RateCard.CoinPrice("US", "USD", 70, 99)), "USD");
    }

    @ParameterizedTest
    @CsvSource({ "1,1,2,0,1", "5,1,2,2,3", "100,1,2,50,50", "44999,1,2,22499,22500", "7,3,10,2,5", "1,0,1,0,1", "9,1,1,9,0" })
    void aGiftSplitsIntoWholeCreatorDiamondsRoundedDownAndTheRestIsCommission(long coins, long num, long den, long diamonds,
            long commission) {
        RateCard.GiftSplit split = card(num, den).split(coins);
        assertEquals(diamonds, split.creatorDiamonds());
        assertEquals(commission, split.platformCommission());
        assertEquals(coins, split.creatorDiamonds() + split.platformCommission());
    }

    @Test
    void customCoinAmountsArePricedRoundedUpToTheNextMinorUnit() {
        RateCard.CoinPrice us = card(1, 2).coinPrice("US").orElseThrow();
        assertEquals(99, us.priceMinorFor(70));
        assertEquals(142, us.priceMinorFor(100)); // 141.43 cents -> 142
        assertEquals(2, us.priceMinorFor(1));     // 1.41 cents -> 2
    }

    @Test
    void aCoinsMoneyValueIsRoundedHalfUp() {
        RateCard.CoinPrice us = card(1, 2).coinPrice("US").orElseThrow();
        assertEquals(141, us.valueOf(100).minorUnits()); // 141.43
        assertEquals(1, us.valueOf(1).minorUnits());     // 1.414
        assertEquals(99, us.valueOf(70).minorUnits());
        assertEquals(-1, us.valueOf(-1).minorUnits());   // -1.414: a negative sum, rounded half up as well
    }

    @Test
    void aValueBeyondALongIsNoValueRatherThanAnError() {
        RateCard.CoinPrice us = card(1, 2).coinPrice("US").orElseThrow();
        assertNull(us.valueOf(Long.MAX_VALUE));
        assertEquals(4_611_767_514_000_000_000L, RateCard.valueOf(1_000_000_000L * 44_999, 102_486, 1, "USD").minorUnits(),
                "a goal's target at what a big buyer paid: twice it is past a long, which long arithmetic failed on");
        assertNull(RateCard.valueOf(Long.MAX_VALUE / 2, 3, 1, "USD"));
        assertEquals(Long.MAX_VALUE, RateCard.valueOf(Long.MAX_VALUE, 1, 1, "USD").minorUnits());
    }

    /**
     * The daily payout maximum is the diamonds 1,000 of the default currency are worth, for every creator: paid in yen
     * (no decimals, 0.75 JPY a diamond) it is 200,000 diamonds as in dollars, not the 1,333 that 1,000 JPY would be (below
     * the minimum payout of 2,000, so no payout at all); a region whose currency has no diamond value is paid in the default.
     */
    @Test
    void theDailyPayoutMaximumIsTheSameDiamondsWhateverCurrencyPaysThem() {
        RateCard card = new RateCard(1, 1, 2, Instant.EPOCH, Map.of("USD", new RateCard.Fraction(1, 2), "JPY", new RateCard.Fraction(3, 4),
                "KWD", new RateCard.Fraction(3, 2)), Map.of("US", new RateCard.CoinPrice("US", "USD", 70, 99),
                "JP", new RateCard.CoinPrice("JP", "JPY", 70, 150), "KW", new RateCard.CoinPrice("KW", "KWD", 70, 300),
                "GB", new RateCard.CoinPrice("GB", "GBP", 70, 79)), "USD");
        long maximum = com.coinstream.payout.PayoutPolicy.maximumDiamonds(card, 1000);
        assertEquals(200_000, maximum);
        assertEquals("JPY", card.payoutCurrency("JP"));
        assertEquals(150_000, card.cashValue(maximum, "JPY").orElseThrow().minorUnits(), "150,000 JPY: 200,000 diamonds at 0.75");
        assertEquals(300_000, card.cashValue(maximum, "KWD").orElseThrow().minorUnits(), "300.000 KWD");
        assertEquals("USD", card.payoutCurrency("GB"), "GBP has no diamond value here: paid in the default currency");
        assertEquals(1_333, card.diamondsWorth(1000, "JPY").orElseThrow());
        assertEquals(666_666, card.diamondsWorth(1000, "KWD").orElseThrow());
        assertEquals(java.util.Optional.empty(), card.diamondsWorth(1000, "GBP"));
    }

    @Test
    void diamondsCashOutRoundedDownPerCurrency() {
        RateCard card = card(1, 2);
        assertEquals(100, card.cashValue(200, "USD").orElseThrow().minorUnits());
        assertEquals(0, card.cashValue(1, "USD").orElseThrow().minorUnits()); // half a cent -> 0
        assertEquals(80, card.cashValue(200, "GBP").orElseThrow().minorUnits());
        assertEquals(true, card.cashValue(1, "JPY").isEmpty());
    }
}
