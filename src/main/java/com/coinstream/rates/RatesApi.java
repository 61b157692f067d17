package com.coinstream.rates;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.DefaultValue;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Money;
import com.coinstream.domain.MoneyInput;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.Regions;
import com.coinstream.domain.UserError;
import com.coinstream.graphql.AdminAction;
import com.coinstream.graphql.AdminActions;
import com.coinstream.graphql.ApiSecurity;
import com.coinstream.graphql.Payloads;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.Role;

import io.smallrye.mutiny.Uni;

@GraphQLApi
@ApiSecurity
public class RatesApi {
    private final RateBook book;
    private final RatesAdmin admin;
    private final CurrentCaller caller;
    private final Clock clock;

    private final Payloads payloads;
    private final AdminActions actions;

    public RatesApi(RateBook book, RatesAdmin admin, CurrentCaller caller, Clock clock, Payloads payloads, AdminActions actions) {
        this.actions = actions;
        this.payloads = payloads;
        this.book = book;
        this.admin = admin;
        this.caller = caller;
        this.clock = clock;
    }

    @Query("rates")
    @Description("The rates in force now (public). Pass `at` to see the rates in force at another instant.")
    public @NonNull RatesView rates(Instant at) {
        Instant when = at == null ? clock.instant() : at;
        return RatesView.of(book.inForce(when).orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, "No rates were in force at " + when
                + "; see rateHistory for when the first took effect", "at")));
    }

    @Query("rateHistory")
    @Description("The published rate versions, newest first, the latest 100 (public); rates(at:) reads the one in force at any time.")
    public @NonNull List<@NonNull RatesView> rateHistory() {
        // (at most a page: what the query limits count a list without a size as, so a request's values stay bounded)
        return book.all().stream().sorted(Comparator.comparing(RateCard::effectiveFrom).reversed()).limit(com.coinstream.domain.Page.MAX_PAGE_SIZE)
                .map(RatesView::of).toList();
    }

    @Description("Cash value of one diamond in a currency (null if diamonds are not paid out in it).")
    public Money diamondValue(@Source RatesView rates, @DefaultValue("USD") String currency) {
        return rates.card().diamondValue(Regions.requireCurrency(currency)).orElse(null);
    }

    @Description("Cash value of one diamond in every payout currency.")
    public @NonNull List<@NonNull Money> diamondValues(@Source RatesView rates) {
        return rates.card().diamondValueMinor().keySet().stream().sorted()
                .map(c -> rates.card().diamondValue(c).orElseThrow()).toList();
    }

    @Description("The base price of coins in a region (ISO 3166-1 alpha-2); null where coins are not sold.")
    public RatesView.CoinBasePriceView coinBasePrice(@Source RatesView rates, @NonNull String region) {
        return rates.card().coinPrice(Regions.require(region)).map(RatesView.CoinBasePriceView::of).orElse(null);
    }

    @Description("Base coin prices in every region.")
    public @NonNull List<RatesView.@NonNull CoinBasePriceView> coinBasePrices(@Source RatesView rates) {
        return rates.card().coinPrices().values().stream().sorted(Comparator.comparing(RateCard.CoinPrice::region))
                .map(RatesView.CoinBasePriceView::of).toList();
    }

    @Mutation("setRates")
    @AdminAction("setRates")
    @Description("Admin: publish a new rate version. Parts left out are carried over from the rates in force; at least one part is needed (else INVALID_INPUT).")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull SetRatesPayload> setRates(@NonNull SetRatesInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> admin.publish(c, new RatesAdmin.NewRates(
                input.creatorShare == null ? null : input.creatorShare.numerator,
                input.creatorShare == null ? null : input.creatorShare.denominator,
                input.diamondValues == null ? null
                        : input.diamondValues.stream().map(v -> new RatesAdmin.DecimalMoney(v.amount, v.currency)).toList(),
                input.coinBasePrices == null ? null
                        : input.coinBasePrices.stream().map(p -> new RatesAdmin.CoinPriceChange(p.region, p.coins, p.price)).toList(),
                input.effectiveFrom), actions.draft())))
                .map(card -> new SetRatesPayload(RatesView.of(card), List.of())),
                e -> new SetRatesPayload(null, List.of(e)));
    }

    @Input("RatioInput")
    public static class RatioInput {
        @NonNull
        public BigInteger numerator;
        @NonNull
        public BigInteger denominator;
    }

    @Input("DiamondValueInput")
    public static class DiamondValueInput {
        @NonNull
        @Description("Decimal, may be finer than a cent, for example \"0.005\".")
        public String amount;
        @NonNull
        public String currency;
    }

    @Input("CoinBasePriceInput")
    public static class CoinBasePriceInput {
        @NonNull
        public String region;
        @NonNull
        public BigInteger coins;
        @NonNull
        public MoneyInput price;
    }

    @Input("SetRatesInput")
    @com.coinstream.graphql.AtLeastOne({ "creatorShare", "diamondValues", "coinBasePrices" })
    public static class SetRatesInput {
        @Description("The creator's share of a gift's coins, for example {numerator: 1, denominator: 2}.")
        public RatioInput creatorShare;
        public List<@NonNull DiamondValueInput> diamondValues;
        public List<@NonNull CoinBasePriceInput> coinBasePrices;
        @Description("When the new version takes effect (default now; not in the past).")
        public Instant effectiveFrom;
    }

    @Type("SetRatesPayload")
    public record SetRatesPayload(RatesView rates, @NonNull List<@NonNull UserError> userErrors) {
    }
}
