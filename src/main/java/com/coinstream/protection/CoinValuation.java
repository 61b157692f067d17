package com.coinstream.protection;

import java.time.Clock;
import java.util.function.LongFunction;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.domain.Money;
import com.coinstream.rates.RateBook;
import com.coinstream.rates.RateCard;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Real-money equivalents of coin amounts, for transparency: at what this viewer actually paid on average
 * (weighted by purchase), or at the region's published base price before any purchase. Rounded half up:
 * an equivalent, never a charge; null where it would not fit a long ({@link RateCard#valueOf}).
 */
@ApplicationScoped
public class CoinValuation {
    private final Pool pool;
    private final RateBook rates;
    private final Clock clock;

    private final String defaultRegion;

    public CoinValuation(Pool pool, RateBook rates, Clock clock, com.coinstream.domain.PolicyConfig policy) {
        this.pool = pool;
        this.rates = rates;
        this.clock = clock;
        this.defaultRegion = policy.defaultRegion();
    }

    /**
     * {@link #valuer} for the payload of a change already committed: a valuation that fails (the database out of reach
     * for a moment) values nothing (the money fields null), and never turns a change that was made into an error the
     * client would retry.
     */
    public Uni<LongFunction<Money>> valuerAfterCommit(String userId, String region) {
        return Uni.createFrom().deferred(() -> valuer(userId, region)).onFailure().recoverWithItem((Throwable e) -> {
            org.jboss.logging.Logger.getLogger(CoinValuation.class).warnf("a committed change is answered without money values: %s", e.toString());
            LongFunction<Money> none = coins -> null;
            return none;
        });
    }

    /**
     * A valuer for one viewer (null for an anonymous caller) in a region: one statement, then pure arithmetic. A region
     * with no coin price of its own (no coins are sold there) is valued at the default region's, in its currency, as
     * {@link RateCard#currencyOf} answers for it.
     */
    public Uni<LongFunction<Money>> valuer(String userId, String region) {
        RateCard card = rates.current(clock.instant());
        String currency = card.currencyOf(region);
        RateCard.CoinPrice base = card.valuationPrice(region, defaultRegion).orElse(null);
        LongFunction<Money> atBase = coins -> base == null ? null : base.valueOf(coins);
        if (userId == null) {
            return Uni.createFrom().item(atBase);
        }
        return pool.preparedQuery("select coins_bought, money_paid_minor from purchase_stats where user_id = $1 and currency = $2")
                .execute(Tuple.of(userId, currency)).map(rows -> {
                    if (!rows.iterator().hasNext() || rows.iterator().next().getLong(0) == 0) {
                        return atBase;
                    }
                    long bought = rows.iterator().next().getLong(0);
                    long paid = rows.iterator().next().getLong(1);
                    return coins -> RateCard.valueOf(coins, paid, bought, currency);
                });
    }
}
