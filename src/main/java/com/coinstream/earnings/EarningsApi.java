package com.coinstream.earnings;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.DefaultValue;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.catalogue.CatalogueGift;
import com.coinstream.catalogue.GiftCatalogue;
import com.coinstream.domain.Money;
import com.coinstream.domain.Page;
import com.coinstream.graphql.ApiSecurity;
import com.coinstream.graphql.Range;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.PublicProfile;
import com.coinstream.identity.Role;
import com.coinstream.identity.UserDirectory;
import com.coinstream.ledger.AccountKey;
import com.coinstream.ledger.AccountPurpose;
import com.coinstream.ledger.Asset;
import com.coinstream.ledger.Ledger;
import com.coinstream.live.LiveStreams;
import com.coinstream.live.StreamView;
import com.coinstream.rates.RateBook;
import com.coinstream.rates.RateCard;

import io.smallrye.mutiny.Uni;

@GraphQLApi
@ApiSecurity
public class EarningsApi {
    private final CurrentCaller caller;
    private final Ledger ledger;
    private final RateBook rates;
    private final EarningsReports reports;
    private final LiveStreams streams;
    private final GiftCatalogue catalogue;
    private final UserDirectory users;
    private final Clock clock;
    private final DiamondMaturity maturity;

    public EarningsApi(CurrentCaller caller, Ledger ledger, RateBook rates, EarningsReports reports, LiveStreams streams,
            GiftCatalogue catalogue, UserDirectory users, Clock clock, DiamondMaturity maturity) {
        this.maturity = maturity;
        this.caller = caller;
        this.ledger = ledger;
        this.rates = rates;
        this.reports = reports;
        this.streams = streams;
        this.catalogue = catalogue;
        this.users = users;
        this.clock = clock;
    }

    @Query("earnings")
    @Description("Creators: your diamonds, their cash value, and where they came from.")
    @RolesAllowed(Role.CREATOR)
    public Uni<@NonNull Earnings> earnings() {
        return caller.get().flatMap(c -> maturity.mature(c.userId()).flatMap(matured -> maturity.nextMaturity(c.userId()))
                .flatMap(maturesAt -> ledger.balancesOf(c.userId()).map(balances -> {
            long pending = balances.getOrDefault(AccountKey.user(c.userId(), AccountPurpose.DIAMONDS_PENDING, Asset.DIAMOND), 0L);
            long available = balances.getOrDefault(AccountKey.user(c.userId(), AccountPurpose.DIAMONDS_AVAILABLE, Asset.DIAMOND), 0L);
            long inPayout = balances.getOrDefault(AccountKey.user(c.userId(), AccountPurpose.DIAMONDS_IN_PAYOUT, Asset.DIAMOND), 0L);
            RateCard card = rates.current(clock.instant());
            String currency = card.payoutCurrency(c.region());
            Money cash = card.cashValue(pending + available, currency).orElse(Money.ofMinor(0, currency));
            return new Earnings(c.userId(), c.zone(),
                    new Earnings.DiamondBalances(pending, available, inPayout, maturesAt.orElse(null)), cash);
        })));
    }

    @Description("Totals for a period [from, to) in whole UTC hours (both are rounded down to the hour); defaults to all time.")
    public Uni<Earnings.@NonNull Totals> totals(@Source Earnings e, Instant from, Instant to) {
        // (the range asked, with its defaults: a from past the default to is as empty as a reversed range)
        Instant start = from == null ? Instant.EPOCH : from;
        Instant end = to == null ? clock.instant().plusSeconds(3600) : to;
        com.coinstream.domain.Times.requireOrdered(start, end, java.time.temporal.ChronoUnit.HOURS, "from");
        return reports.totals(e.creatorId(), start, end);
    }

    @Description("Earnings per stream, best first.")
    public Uni<@NonNull List<@NonNull StreamEarnings>> byStream(@Source Earnings e, @DefaultValue("10") Integer first) {
        return reports.byStream(e.creatorId(), Page.size(first)).flatMap(groups -> streams
                .views(groups.stream().map(g -> UUID.fromString(g.key())).toList())
                .map(found -> groups.stream().map(g -> new StreamEarnings(found.get(UUID.fromString(g.key())), g.gifts(), g.coins(),
                        g.diamonds())).toList()));
    }

    @Description("Earnings per gift, best first.")
    public Uni<@NonNull List<@NonNull GiftEarnings>> byGift(@Source Earnings e, @DefaultValue("20") Integer first) {
        Map<UUID, CatalogueGift> all = catalogue.snapshot();
        return reports.byGift(e.creatorId(), Page.size(first)).map(groups -> groups.stream()
                .map(g -> new GiftEarnings(all.get(UUID.fromString(g.key())), g.gifts(), g.quantity(), g.coins(), g.diamonds()))
                .toList());
    }

    @Description("Your biggest supporters across all streams (anonymous gifts as \"Anonymous\"; people who stay off leaderboards are left out).")
    public Uni<@NonNull List<@NonNull TopSupporter>> topSupporters(@Source Earnings e, @DefaultValue("10") Integer first) {
        return reports.bySender(e.creatorId(), Page.size(first)).flatMap(groups -> users
                .profiles(groups.stream().filter(g -> !g.anonymous()).map(EarningsReports.Group::key).toList())
                .map(found -> groups.stream().map(g -> new TopSupporter(g.anonymous() ? PublicProfile.ANONYMOUS : found.get(g.key()),
                        g.gifts(), g.coins(), g.diamonds())).toList()));
    }

    @Description("What your streams earned per calendar day in your time zone: the last `days` days (default 30, 1-366), today included.")
    public Uni<@NonNull List<Earnings.@NonNull Day>> byDay(@Source Earnings e, @DefaultValue("30") @Range(min = 1, max = 366) Integer days) {
        return reports.byDay(e.creatorId(), e.zone(), LocalDate.now(clock.withZone(e.zone())), days == null ? 30 : days);
    }

    @Description("When your streams earn: 24 buckets by hour of day in your time zone.")
    public Uni<@NonNull List<Earnings.@NonNull Hour>> hourOfDay(@Source Earnings e) {
        return reports.byHour(e.creatorId(), e.zone());
    }

    @Type("StreamEarnings")
    public record StreamEarnings(StreamView stream, long gifts, long coins, long diamonds) {
    }

    @Type("GiftEarnings")
    public record GiftEarnings(CatalogueGift gift, long gifts, long quantity, long coins, long diamonds) {
    }

    @Type("TopSupporter")
    public record TopSupporter(PublicProfile supporter, long gifts, long coins, long diamonds) {
    }
}
