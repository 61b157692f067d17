package com.coinstream.earnings;

import org.eclipse.microprofile.graphql.Id;
import java.time.Instant;
import java.time.ZoneId;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.Money;
import com.coinstream.domain.StableIds;

/** A creator's earnings. Breakdowns are resolved on demand (EarningsApi), each in one statement. */
@Type("Earnings")
@Description("What a creator has earned: diamond balances, their cash value, and breakdowns.")
public record Earnings(@Ignore String creatorId, @Ignore ZoneId zone, @NonNull DiamondBalances diamonds,
        @NonNull @Description("Cash value of pending + available diamonds at the current diamond rate, rounded down.") Money cashValue) {

    /** Stable per creator, for clients' normalized caches. */
    @Id
    @NonNull
    public String getId() {
        return StableIds.of("earnings", creatorId);
    }

    @Type("DiamondBalances")
    public record DiamondBalances(
            @Description("Credited by gifts, still in the hold period.") long pending,
            @Description("Past the hold period: can be cashed out.") long available,
            @Description("In payouts that are not finished.") long inPayout,
            @Description("When the oldest pending diamonds become available (null when none are pending).") Instant maturesAt) {
    }

    @Type("EarningsTotals")
    public record Totals(long gifts, long coins, long diamonds) {
    }

    @Type("HourEarnings")
    @Description("Earnings by hour of day, in the creator's time zone (token claim zoneinfo, default UTC).")
    public record Hour(int hour, long gifts, long diamonds) {
    }

    @Type("DayEarnings")
    public record Day(@NonNull @Description("The calendar day in your time zone (YYYY-MM-DD).") String day, long gifts, long diamonds) {
    }
}
