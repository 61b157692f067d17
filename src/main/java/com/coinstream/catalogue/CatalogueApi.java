package com.coinstream.catalogue;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.Money;
import com.coinstream.domain.PolicyConfig;
import com.coinstream.domain.Regions;
import com.coinstream.domain.UserError;
import com.coinstream.graphql.AdminAction;
import com.coinstream.graphql.AdminActions;
import com.coinstream.graphql.ApiSecurity;
import com.coinstream.graphql.MaxItems;
import com.coinstream.graphql.PersonText;
import com.coinstream.graphql.Payloads;
import com.coinstream.identity.Caller;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.Role;
import com.coinstream.protection.CoinValuation;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

@GraphQLApi
@ApiSecurity
public class CatalogueApi {
    private final GiftCatalogue catalogue;
    private final CatalogueAdmin admin;
    private final Clock clock;
    private final CurrentCaller caller;
    private final CoinValuation valuation;
    private final String defaultRegion;

    private final Payloads payloads;
    private final AdminActions actions;

    public CatalogueApi(GiftCatalogue catalogue, CatalogueAdmin admin, Clock clock, CurrentCaller caller, CoinValuation valuation,
            PolicyConfig policy, Payloads payloads, AdminActions actions) {
        this.actions = actions;
        this.payloads = payloads;
        this.caller = caller;
        this.valuation = valuation;
        this.defaultRegion = policy.defaultRegion();
        this.catalogue = catalogue;
        this.admin = admin;
        this.clock = clock;
    }

    @Query("giftCatalogue")
    @Description("Gifts that can be sent now in a region (ISO 3166-1 alpha-2), cheapest first. Public.")
    public @NonNull List<@NonNull CatalogueGift> giftCatalogue(@NonNull String region) {
        return catalogue.available(Regions.require(region), clock.instant());
    }

    @Description("What the gift's price is worth in real money: at the weighted-average price you paid for your coins, or the region's base price (default your token's region, else US) before any purchase.")
    public Uni<@NonNull List<Money>> moneyValue(@Source List<CatalogueGift> gifts, String region) {
        Caller c = caller.optional().orElse(null);
        String where = region != null ? Regions.require(region) : c != null ? c.region() : defaultRegion;
        return valuation.valuer(c == null ? null : c.userId(), where).map(v -> gifts.stream().map(g -> v.apply(g.coins())).toList());
    }

    @Mutation("createGift")
    @AdminAction("createGift")
    @Description("Admin: add a gift to the catalogue.")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull GiftPayload> createGift(@NonNull GiftInput input) {
        return change(() -> admin.create(input.toChange(), actions.draft()));
    }

    @Mutation("updateGift")
    @AdminAction("updateGift")
    @Description("Admin: change a gift (price, window, regions...). Gifts already sent keep the price they were sent at. Retire a gift by setting activeUntil.")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull GiftPayload> updateGift(@NonNull UpdateGiftInput input) {
        return change(() -> admin.update(input.giftId, input.toChange(), actions.draft()));
    }

    private Uni<GiftPayload> change(Supplier<Uni<Gift>> work) {
        // once committed, the change is answered as done (published() never fails it: a failed reload is logged and retried)
        return payloads.orRefusal(Panache.withTransaction(() -> Payloads.guarded(work)).map(CatalogueGift::of)
                .call(g -> admin.published()).map(g -> new GiftPayload(g, List.of())),
                e -> new GiftPayload(null, List.of(e)));
    }

    @Input("GiftInput")
    public static class GiftInput {
        @PersonText(max = 64)
        @NonNull
        public String name;
        @NonNull
        public BigInteger coins;
        @NonNull
        public Integer tier;
        @NonNull
        public String animationKey;
        @MaxItems(250)
        @Description("Regions where it can be sent; empty or absent = everywhere.")
        public List<@NonNull String> regions;
        public Instant activeFrom;
        public Instant activeUntil;

        CatalogueAdmin.GiftChange toChange() {
            return new CatalogueAdmin.GiftChange(name, coins, tier, animationKey, regions, activeFrom, activeUntil);
        }
    }

    @Input("UpdateGiftInput")
    @com.coinstream.graphql.AtLeastOne(value = { "name", "coins", "tier", "animationKey", "regions", "activeFrom", "activeUntil" },
            emptyIsAChange = "regions")
    public static class UpdateGiftInput {
        @NonNull
        @Id
        public String giftId;
        @PersonText(max = 64)
        public String name;
        public BigInteger coins;
        public Integer tier;
        public String animationKey;
        @MaxItems(250)
        public List<@NonNull String> regions;
        public Instant activeFrom;
        public Instant activeUntil;

        CatalogueAdmin.GiftChange toChange() {
            return new CatalogueAdmin.GiftChange(name, coins, tier, animationKey, regions, activeFrom, activeUntil);
        }
    }

    @Type("GiftPayload")
    public record GiftPayload(CatalogueGift gift, @NonNull List<@NonNull UserError> userErrors) {
    }
}
