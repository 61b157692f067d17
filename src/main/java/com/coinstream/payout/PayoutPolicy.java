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

/** The payout rules as a creator sees them before asking (published, like the rates). */
@Type("PayoutPolicy")
@Description("The payout rules: the smallest payout, the daily maximum, and how long gift diamonds stay pending.")
public record PayoutPolicy(
        @Description("The smallest payout, in diamonds.") long minimumDiamonds,
        @NonNull @Description("The most a creator may request per UTC day, in the currency of the caller's region.") Money dailyMaximum,
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
            String currency = rates.current(clock.instant()).currencyOf(region == null ? policy.defaultRegion() : region);
            long minor = Math.multiplyExact(payouts.dailyMaximum(), (long) Math.pow(10, Money.fractionDigits(currency)));
            return new PayoutPolicy(payouts.minimumDiamonds(), Money.ofMinor(minor, currency), earnings.holdPeriod().toString(),
                    earnings.holdPeriod().toDays());
        }
    }
}
