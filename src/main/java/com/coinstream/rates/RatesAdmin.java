package com.coinstream.rates;

import static com.coinstream.domain.Times.utc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.coinstream.audit.AdminAuditLog;
import com.coinstream.audit.AuditDraft;
import com.coinstream.domain.Amounts;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Money;
import com.coinstream.domain.MoneyInput;
import com.coinstream.domain.Refusal;
import com.coinstream.events.ClusterEvents;
import com.coinstream.identity.Caller;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Publishes a new rate version. What the input leaves out is carried over from the version in force. */
@ApplicationScoped
public class RatesAdmin {
    private static final Logger LOG = Logger.getLogger(RatesAdmin.class);
    /**
     * The most a published rate may value one coin or one diamond, in minor units (100,000 US dollars): far above any
     * real rate, and low enough that every value the service derives from a rate fits its integers (a rate past it
     * committed, then broke every read that used it).
     */
    public static final long MAX_MINOR_PER_UNIT = 10_000_000;
    private final Pool pool;
    private final RateBook book;
    private final ClusterEvents cluster;
    private final Clock clock;
    private final AdminAuditLog adminLog;

    public RatesAdmin(Pool pool, RateBook book, ClusterEvents cluster, Clock clock, AdminAuditLog adminLog) {
        this.adminLog = adminLog;
        this.cluster = cluster;
        this.pool = pool;
        this.book = book;
        this.clock = clock;
    }

    public record NewRates(BigInteger shareNumerator, BigInteger shareDenominator, List<DecimalMoney> diamondValues,
            List<CoinPriceChange> coinBasePrices, Instant effectiveFrom) {
    }

    public record DecimalMoney(String amount, String currency) {
    }

    public record CoinPriceChange(String region, BigInteger coins, MoneyInput price) {
    }

    /**
     * A new version records only what the input names; everything else follows the versions before it in effect
     * order (see {@link RateBook}). So two changes scheduled one after the other both hold, whichever was published first.
     */
    public Uni<RateCard> publish(Caller admin, NewRates change, AuditDraft audit) {
        Instant now = clock.instant();
        Instant effective = change.effectiveFrom() == null ? now : change.effectiveFrom();
        if (effective.isBefore(now)) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "effectiveFrom cannot be in the past (leave it out to take effect now)", "input",
                    "effectiveFrom");
        }
        Long shareNum = null;
        Long shareDen = null;
        if (change.shareNumerator() != null || change.shareDenominator() != null) {
            shareDen = Amounts.within(change.shareDenominator(), 1, 1_000_000, ErrorCode.INVALID_INPUT, "creatorShare.denominator",
                    "input", "creatorShare", "denominator");
            shareNum = Amounts.within(change.shareNumerator(), 0, shareDen, ErrorCode.INVALID_INPUT, "creatorShare.numerator",
                    "input", "creatorShare", "numerator");
        }
        Map<String, RateCard.Fraction> values = new HashMap<>();
        if (change.diamondValues() != null) {
            for (DecimalMoney v : change.diamondValues()) {
                // one value per currency: a second would silently replace the first, which the audit record shows beside it
                if (values.put(currency(v.currency()), fraction(v)) != null) {
                    throw new Refusal(ErrorCode.INVALID_INPUT, "diamondValues names " + v.currency() + " twice", "input", "diamondValues");
                }
            }
        }
        Map<String, RateCard.CoinPrice> prices = new HashMap<>();
        if (change.coinBasePrices() != null) {
            for (CoinPriceChange p : change.coinBasePrices()) {
                if (p.region() == null || !p.region().matches("[A-Z]{2}")) {
                    throw new Refusal(ErrorCode.INVALID_INPUT, "region must be ISO 3166-1 alpha-2", "input", "coinBasePrices");
                }
                long coins = Amounts.within(p.coins(), 1, 1_000_000, ErrorCode.INVALID_AMOUNT, "coins", "input", "coinBasePrices");
                Money price = p.price().toPositiveMoney("input", "coinBasePrices");
                if (price.minorUnits() / coins >= MAX_MINOR_PER_UNIT) {
                    throw new Refusal(ErrorCode.INVALID_AMOUNT, "price per coin must be below " + MAX_MINOR_PER_UNIT + " minor units",
                            "input", "coinBasePrices");
                }
                if (prices.put(p.region(), new RateCard.CoinPrice(p.region(), price.getCurrency(), coins, price.minorUnits())) != null) {
                    throw new Refusal(ErrorCode.INVALID_INPUT, "coinBasePrices names " + p.region() + " twice", "input", "coinBasePrices");
                }
            }
        }
        Long num = shareNum;
        Long den = shareDen;
        return pool.withTransaction(tx -> tx.query("lock table rate_card in share row exclusive mode").execute()
                .flatMap(l -> tx.query("select coalesce(max(version), 0) + 1 from rate_card").execute())
                .map(rows -> rows.iterator().next().getInteger(0))
                .call(version -> tx.preparedQuery("insert into rate_card (version, creator_share_num, creator_share_den, "
                        + "effective_from, created_at, created_by) values ($1, $2, $3, $4, $5, $6)")
                        .execute(Tuple.of(version, num, den, utc(effective), utc(now), admin.userId())))
                .call(version -> insertValues(tx, version, values))
                .call(version -> insertPrices(tx, version, prices))
                .call(version -> audit == null ? Uni.createFrom().voidItem() : adminLog.append(tx, audit.target("rateCard", version)))
                // every version as this transaction leaves them (the table's lock keeps other publications out): the answer
                // and this instance's cards come from here, so nothing after the commit can fail it
                .flatMap(version -> book.read(tx).map(cards -> cards.stream().filter(c -> c.version() == version).findFirst()
                        .map(card -> new Published(card, cards)).orElseThrow())))
                .invoke(published -> book.install(published.cards()))
                // committed: the other instances are told; a notice that cannot go out is logged, each instance's 30-second
                // refresh being the backstop
                .call(published -> cluster.publish(ClusterEvents.RATES, "" + published.card().version()).onFailure()
                        .invoke(e -> LOG.errorf(e, "rate card %d was published but the other instances could not be told", published.card().version()))
                        .onFailure().recoverWithNull())
                .map(Published::card);
    }

    private record Published(RateCard card, List<RateCard> cards) {
    }

    private static Uni<Void> insertValues(SqlClient tx, int version, Map<String, RateCard.Fraction> values) {
        List<Tuple> rows = values.entrySet().stream()
                .map(e -> Tuple.of(version, e.getKey(), e.getValue().numerator(), e.getValue().denominator())).toList();
        return rows.isEmpty() ? Uni.createFrom().voidItem()
                : tx.preparedQuery("insert into rate_diamond_value (version, currency, minor_num, minor_den) values ($1, $2, $3, $4)")
                        .executeBatch(rows).replaceWithVoid();
    }

    private static Uni<Void> insertPrices(SqlClient tx, int version, Map<String, RateCard.CoinPrice> prices) {
        List<Tuple> rows = prices.values().stream()
                .map(p -> Tuple.of(version, p.region(), p.currency(), p.unitCoins(), p.unitPriceMinor())).toList();
        return rows.isEmpty() ? Uni.createFrom().voidItem()
                : tx.preparedQuery("insert into rate_coin_price (version, region, currency, unit_coins, unit_price_minor) "
                        + "values ($1, $2, $3, $4, $5)").executeBatch(rows).replaceWithVoid();
    }

    /** "0.005" USD -> 1/2 of a cent, exactly. */
    private static RateCard.Fraction fraction(DecimalMoney value) {
        String currency = currency(value.currency());
        try {
            BigDecimal minor = new BigDecimal(value.amount()).movePointRight(Money.fractionDigits(currency)).stripTrailingZeros();
            if (minor.signum() < 0 || minor.scale() > 6 || value.amount().length() > 24
                    || minor.compareTo(BigDecimal.valueOf(MAX_MINOR_PER_UNIT)) >= 0) {
                throw new NumberFormatException();
            }
            long den = minor.scale() <= 0 ? 1 : BigInteger.TEN.pow(minor.scale()).longValueExact();
            long num = minor.movePointRight(Math.max(minor.scale(), 0)).longValueExact();
            BigInteger gcd = BigInteger.valueOf(num).gcd(BigInteger.valueOf(den));
            return gcd.signum() == 0 ? new RateCard.Fraction(0, 1)
                    : new RateCard.Fraction(num / gcd.longValue(), den / gcd.longValue());
        } catch (NumberFormatException | ArithmeticException | NullPointerException e) {
            throw new Refusal(ErrorCode.INVALID_AMOUNT, "diamond value must be a non-negative decimal below " + MAX_MINOR_PER_UNIT
                    + " minor units, with at most 6 decimals of a minor unit", "input", "diamondValues");
        }
    }

    private static String currency(String code) {
        String known = Money.currencyCode(code);
        if (known == null) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "currency must be an ISO 4217 code", "input", "diamondValues");
        }
        return known;
    }

}
