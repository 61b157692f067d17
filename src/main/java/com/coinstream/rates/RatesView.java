package com.coinstream.rates;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.Money;

@Type("Rates")
@Description("The published rates: how a gift's coins split between creator and platform, what a diamond is worth, and what coins cost. Versioned; every gift records the version applied.")
public record RatesView(@Ignore RateCard card, int version, @NonNull Ratio creatorShare, @NonNull Instant effectiveFrom,
        @NonNull @Description("The rounding rule, in words.") String rounding) {

    public static final String ROUNDING = "A gift of C coins credits the creator floor(C x creatorShare) whole diamonds; "
            + "the remainder, including any fraction of a diamond, is the platform's commission and is recorded on the gift. "
            + "Coin purchases of a custom amount are rounded up to the next minor unit; cash values of diamonds are rounded down.";

    public static RatesView of(RateCard card) {
        return new RatesView(card, card.version(), Ratio.of(card.creatorShareNum(), card.creatorShareDen()),
                card.effectiveFrom(), ROUNDING);
    }

    @Type("Ratio")
    @Description("An exact fraction, for example 1/2 (50%).")
    public record Ratio(long numerator, long denominator, @NonNull @Description("The ratio as a percentage, exact to 4 decimals.") String percent) {
        static Ratio of(long numerator, long denominator) {
            var pct = BigDecimal.valueOf(numerator).multiply(BigDecimal.valueOf(100))
                    .divide(BigDecimal.valueOf(denominator), 4, RoundingMode.HALF_UP).stripTrailingZeros();
            return new Ratio(numerator, denominator, pct.toPlainString());
        }
    }

    @Type("CoinBasePrice")
    @Description("In `region`, `price` buys `coins` coins. Custom amounts are priced pro rata, rounded up to the next minor unit.")
    public record CoinBasePriceView(@NonNull String region, long coins, @NonNull Money price) {
        static CoinBasePriceView of(RateCard.CoinPrice p) {
            return new CoinBasePriceView(p.region(), p.unitCoins(), p.price());
        }
    }
}
