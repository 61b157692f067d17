package com.coinstream.payout;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.Money;
import com.coinstream.domain.PolicyConfig;
import com.coinstream.earnings.EarningsConfig;
import com.coinstream.rates.RateBook;
import com.coinstream.rates.RateCard;

/** The payout rules as a creator sees them before asking (published, like the rates). */
@Type("PayoutPolicy")
@Description("The payout rules: the smallest payout, the daily maximum, and how long gift diamonds stay pending.")
public record PayoutPolicy(
        @Description("The smallest payout, in diamonds.") long minimumDiamonds,
        @NonNull @Description("The most a creator may request per UTC day (the diamonds the daily maximum in the default currency is worth, "
                + "whatever currency pays them), at its value in the caller's payout currency.") Money dailyMaximum,
        @NonNull @Description("How long a gift's diamonds stay pending before they can be cashed out (ISO-8601 duration).") String holdPeriod,
        @Description("The same hold, in whole days.") long holdDays) {

    @ApplicationScoped
    public static class Policies {
        private final PayoutsConfig payouts;
        private final EarningsConfig earnings;
        private final PolicyConfig policy;
        private final RateBook rates;
        private final Clock clock;

        public Policies(PayoutsConfig payouts, EarningsConfig earnings, PolicyConfig policy, RateBook rates, Clock clock) {
            this.payouts = payouts;
            this.earnings = earnings;
            this.policy = policy;
            this.rates = rates;
            this.clock = clock;
        }

        public PayoutPolicy current(String region) {
            RateCard card = rates.current(clock.instant());
            String currency = card.payoutCurrency(region == null ? policy.defaultRegion() : region);
            Money maximum = card.cashValue(maximumDiamonds(card, payouts.dailyMaximum()), currency).orElse(Money.ofMinor(0, currency));
            return new PayoutPolicy(payouts.minimumDiamonds(), maximum, earnings.holdPeriod().toString(), earnings.holdPeriod().toDays());
        }
    }

    /**
     * The daily maximum in diamonds: {@code dailyMaximum} (COINSTREAM_PAYOUT_DAILY_MAXIMUM) whole units of the default
     * currency, at its diamond value. One count for every creator, whatever currency pays them (1,000 units of a currency
     * without decimals, or of one worth a thousandth of the default, would have been a maximum below the minimum payout,
     * or a thousand times the default's); none when diamonds have no value in the default currency.
     */
    public static long maximumDiamonds(RateCard card, long dailyMaximum) {
        return card.diamondsWorth(dailyMaximum, card.defaultCurrency()).orElse(0L);
    }
}
