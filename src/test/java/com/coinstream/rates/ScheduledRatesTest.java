package com.coinstream.rates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.Gql;
import com.coinstream.support.TestClock;
import com.coinstream.support.Tokens;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Rate versions scheduled ahead. They are scheduled a thousand days out (and the test clock moved there), so the
 * rates other tests see today never change.
 */
@QuarkusTest
class ScheduledRatesTest {
    static final String SET = "mutation($input: SetRatesInput!) { setRates(input: $input) { rates { version } userErrors { code message } } }";
    static final String RATES = "{ rates { version creatorShare { numerator denominator } diamondValue(currency: \"USD\") { amount } } }";

    @Inject
    TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void aSecondScheduledChangeKeepsTheFirst() {
        Instant base = Instant.now().plus(Duration.ofDays(1000)).truncatedTo(ChronoUnit.SECONDS);
        String admin = Tokens.admin();
        publish(admin, Gql.input("creatorShare", Gql.vars("numerator", 6, "denominator", 10), "effectiveFrom", base.plusSeconds(3).toString()));
        publish(admin, Gql.input("diamondValues", List.of(Gql.vars("amount", "0.006", "currency", "USD")),
                "effectiveFrom", base.plusSeconds(5).toString()));
        // and one published last that takes effect first: it keeps both later ones intact
        publish(admin, Gql.input("coinBasePrices", List.of(Gql.vars("region", "US", "coins", 70, "price",
                Gql.vars("amount", "0.99", "currency", "USD"))), "effectiveFrom", base.plusSeconds(1).toString()));
        try {
            clock.advance(Duration.between(Instant.now(), base.plusSeconds(6)));
            JsonPath rates = Gql.ok(null, RATES);
            assertEquals(6, rates.getInt("data.rates.creatorShare.numerator"));
            assertEquals(10, rates.getInt("data.rates.creatorShare.denominator"));
            assertEquals("0.006", rates.getString("data.rates.diamondValue.amount"));
        } finally {
            // back to today's rates from then on, so nothing later in the run meets them
            publish(admin, Gql.input("creatorShare", Gql.vars("numerator", 1, "denominator", 2), "diamondValues",
                    List.of(Gql.vars("amount", "0.005", "currency", "USD")), "effectiveFrom", base.plusSeconds(7).toString()));
        }
    }

    /** A rate so large that the values derived from it would not fit is refused, and no version is written. */
    @Test
    void anAbsurdRateIsRefusedBeforeItIsPublished() {
        String admin = Tokens.admin();
        long before = Db.number(Db.TEST_SCHEMA, "select count(*) from rate_card");
        String far = Instant.now().plus(Duration.ofDays(3000)).truncatedTo(ChronoUnit.SECONDS).toString();
        for (Object change : List.of(
                Gql.vars("diamondValues", List.of(Gql.vars("amount", "100000000000000", "currency", "USD"))),
                Gql.vars("diamondValues", List.of(Gql.vars("amount", "100000.00", "currency", "USD"))),
                Gql.vars("coinBasePrices", List.of(Gql.vars("region", "US", "coins", 1, "price", Gql.vars("amount", "100000000000", "currency", "USD")))))) {
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> input = new java.util.LinkedHashMap<>((java.util.Map<String, Object>) change);
            input.put("effectiveFrom", far);
            JsonPath r = Gql.ok(admin, SET, Gql.vars("input", input));
            assertEquals("INVALID_AMOUNT", r.getString("data.setRates.userErrors[0].code"), r.prettify());
        }
        assertEquals(before, Db.number(Db.TEST_SCHEMA, "select count(*) from rate_card"));
    }

    /**
     * A currency or region named twice is refused, not the last one silently kept; a rate's money fields refuse a
     * currency or region that is not one ("usd", "us") instead of answering null or falling back.
     */
    @Test
    void aChangeNamingACurrencyOrRegionTwiceIsRefusedAndBadCodesAreRefusedWhereRatesAreRead() {
        String admin = Tokens.admin();
        long before = Db.number(Db.TEST_SCHEMA, "select count(*) from rate_card");
        String far = Instant.now().plus(Duration.ofDays(3000)).truncatedTo(ChronoUnit.SECONDS).toString();
        for (Map<String, Object> change : List.of(
                Gql.vars("diamondValues", List.of(Gql.vars("amount", "0.005", "currency", "USD"), Gql.vars("amount", "9", "currency", "USD"))),
                Gql.vars("coinBasePrices", List.of(Gql.vars("region", "US", "coins", 70, "price", Gql.vars("amount", "0.99", "currency", "USD")),
                        Gql.vars("region", "US", "coins", 1, "price", Gql.vars("amount", "50000", "currency", "USD")))))) {
            Map<String, Object> input = new java.util.LinkedHashMap<>(change);
            input.put("effectiveFrom", far);
            JsonPath r = Gql.ok(admin, SET, Gql.vars("input", input));
            assertEquals("INVALID_INPUT", r.getString("data.setRates.userErrors[0].code"), r.prettify());
        }
        assertEquals(before, Db.number(Db.TEST_SCHEMA, "select count(*) from rate_card"));
        for (String query : List.of("{ rates { diamondValue(currency: \"usd\") { amount } } }", "{ rates { coinBasePrice(region: \"us\") { coins } } }",
                "{ giftCatalogue(region: \"US\") { moneyValue(region: \"zz\") { amount } } }")) {
            assertEquals("BAD_USER_INPUT", com.coinstream.support.Gql.errorCode(com.coinstream.support.Gql.post(null, query, null)), query);
        }
    }

    @Test
    void aVersionCannotTakeEffectInThePast() {
        JsonPath r = Gql.ok(Tokens.admin(), SET, Gql.input("creatorShare", Gql.vars("numerator", 1, "denominator", 2),
                "effectiveFrom", Instant.now().minusSeconds(5).toString()));
        assertEquals("INVALID_INPUT", r.getString("data.setRates.userErrors[0].code"));
    }

    private static void publish(String admin, Map<String, Object> input) {
        JsonPath r = Gql.ok(admin, SET, input);
        assertTrue(r.getList("data.setRates.userErrors").isEmpty(), r.prettify());
    }

    /**
     * The batch statement values a gift at the base price as RateCard.valueOf does, in numeric: a dear gift (99 of a
     * million-coin gift) at a dear base price inside the published bounds (500,000,000.00 for a million coins) passed
     * 64 bits in its bigint product, and the statement raised, failing every gift of its batch.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({ "1,99,70", "35,99,70", "100,99,70", "99000000,50000000000,1000000", "99000000,10000000000000,1000000",
            "1,1,3", "2,1,4" })
    void theBatchStatementValuesAGiftAsTheRateCardDoesPast64BitProducts(long coins, long priceMinor, long perCoins) {
        long expected = RateCard.valueOf(coins, priceMinor, perCoins, "USD").minorUnits();
        assertEquals(expected, Db.number(Db.TEST_SCHEMA, "select gift_value_minor(?, ?, ?)", coins, priceMinor, perCoins));
    }
}
