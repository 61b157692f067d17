package com.coinstream.rates;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import com.coinstream.domain.Money;

/** One version of the published rates. Versions are never edited; a change is a new version. */
public record RateCard(int version, long creatorShareNum, long creatorShareDen, Instant effectiveFrom,
        Map<String, Fraction> diamondValueMinor, Map<String, CoinPrice> coinPrices, String defaultCurrency) {

    /** An exact non-negative fraction. */
    public record Fraction(long numerator, long denominator) {
        public BigDecimal toDecimal() {
            return BigDecimal.valueOf(numerator).divide(BigDecimal.valueOf(denominator), MathContext.DECIMAL64);
        }
    }

    /** {@code unitPriceMinor} minor units buy {@code unitCoins} coins in {@code region}. */
    public record CoinPrice(String region, String currency, long unitCoins, long unitPriceMinor) {

        /** Price of {@code coins}, rounded UP to the next minor unit: never below the published rate, at most one unit above. */
        public long priceMinorFor(long coins) {
            BigInteger[] qr = BigInteger.valueOf(coins).multiply(BigInteger.valueOf(unitPriceMinor)).divideAndRemainder(BigInteger.valueOf(unitCoins));
            return (qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0]).longValueExact();
        }

        /** Value of {@code coins} at this price (see {@link RateCard#valueOf}). */
        public Money valueOf(long coins) {
            return RateCard.valueOf(coins, unitPriceMinor, unitCoins, currency);
        }

        public Money price() {
            return Money.ofMinor(unitPriceMinor, currency);
        }
    }

    /** How a gift of {@code coins} splits: whole diamonds to the creator (rounded down), the rest is commission. */
    public GiftSplit split(long coins) {
        long diamonds = Math.floorDiv(Math.multiplyExact(coins, creatorShareNum), creatorShareDen);
        return new GiftSplit(coins, diamonds, coins - diamonds);
    }

    public record GiftSplit(long coins, long creatorDiamonds, long platformCommission) {
    }

    public Optional<CoinPrice> coinPrice(String region) {
        return Optional.ofNullable(coinPrices.get(region));
    }

    /**
     * The base price a region's coins are valued at: its own, or, where no coins are sold (no price of its own), the
     * default region's. The one rule for every money equivalent of coins (catalogue, wallet, receipts).
     */
    public Optional<CoinPrice> valuationPrice(String region, String defaultRegion) {
        return coinPrice(region).or(() -> coinPrice(defaultRegion));
    }

    /** Cash value of {@code diamonds} in {@code currency}, rounded down to whole minor units. */
    public Optional<Money> cashValue(long diamonds, String currency) {
        Fraction f = diamondValueMinor.get(currency);
        if (f == null) {
            return Optional.empty();
        }
        return Optional.of(Money.ofMinor(floorDiv(BigInteger.valueOf(diamonds).multiply(BigInteger.valueOf(f.numerator())),
                BigInteger.valueOf(f.denominator())), currency));
    }

    public Optional<Money> diamondValue(String currency) {
        Fraction f = diamondValueMinor.get(currency);
        return f == null ? Optional.empty()
                : Optional.of(Money.exact(f.toDecimal().movePointLeft(Money.fractionDigits(currency)), currency));
    }

    /**
     * The currency a creator of {@code region} is paid in: their region's, where diamonds have a value in it, else the
     * default currency. The one rule for a payout, the payout policy and the cash value of earnings.
     */
    public String payoutCurrency(String region) {
        String regional = currencyOf(region);
        return diamondValueMinor.containsKey(regional) ? regional : defaultCurrency;
    }

    /**
     * The whole diamonds {@code majorUnits} of {@code currency} are worth at this card's diamond value (rounded down); the
     * same count whatever currency they are then paid in. Empty when diamonds have no value in it.
     */
    public Optional<Long> diamondsWorth(long majorUnits, String currency) {
        Fraction f = diamondValueMinor.get(currency);
        if (f == null || f.numerator() == 0) {
            return Optional.empty();
        }
        BigInteger minor = BigInteger.valueOf(majorUnits).multiply(BigInteger.TEN.pow(Money.fractionDigits(currency)));
        BigInteger diamonds = minor.multiply(BigInteger.valueOf(f.denominator())).divide(BigInteger.valueOf(f.numerator()));
        return Optional.of(diamonds.min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact());
    }

    public String currencyOf(String region) {
        CoinPrice price = coinPrices.get(region);
        return price == null ? defaultCurrency : price.currency();
    }

    /** a / b rounded down, exactly (the products of a rate and an amount do not always fit 64 bits before the division). */
    /**
     * The value of {@code coins} when {@code priceMinor} minor units bought {@code perCoins} coins, rounded half up: an
     * informational equivalent, never a charge. Null when it does not fit a long (no sum of real coins gets there; a
     * goal's target of a billion gifts of the dearest one can), so a figure shown beside coins is never an error.
     */
    public static Money valueOf(long coins, long priceMinor, long perCoins, String currency) {
        BigInteger twice = BigInteger.valueOf(coins).multiply(BigInteger.valueOf(priceMinor)).shiftLeft(1).add(BigInteger.valueOf(perCoins));
        BigInteger[] qr = twice.divideAndRemainder(BigInteger.valueOf(perCoins).shiftLeft(1));
        BigInteger minor = qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
        return minor.bitLength() < Long.SIZE ? Money.ofMinor(minor.longValue(), currency) : null;
    }

    static long floorDiv(BigInteger a, BigInteger b) {
        BigInteger[] qr = a.divideAndRemainder(b);
        return (qr[1].signum() != 0 && qr[1].signum() != b.signum() ? qr[0].subtract(BigInteger.ONE) : qr[0]).longValueExact();
    }
}
