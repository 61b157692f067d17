package com.coinstream.purchase;

import java.math.BigInteger;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.BadInput;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Ids;
import com.coinstream.domain.Money;
import com.coinstream.domain.MoneyInput;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.Regions;
import com.coinstream.domain.UserError;
import com.coinstream.graphql.AdminAction;
import com.coinstream.graphql.AdminActions;
import com.coinstream.graphql.ApiSecurity;
import com.coinstream.graphql.PersonText;
import com.coinstream.graphql.Payloads;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.Role;
import com.coinstream.wallet.Wallet;
import com.coinstream.wallet.WalletService;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

@GraphQLApi
@ApiSecurity
public class PurchaseApi {
    private final CurrentCaller caller;
    private final PurchaseService purchases;
    private final CoinPackages packages;
    private final WalletService wallets;
    private final CoinPackageAdmin packageAdmin;
    private final PurchaseReversals reversals;

    private final Payloads payloads;
    private final AdminActions actions;

    public PurchaseApi(CurrentCaller caller, PurchaseService purchases, CoinPackages packages, WalletService wallets,
            CoinPackageAdmin packageAdmin, PurchaseReversals reversals, Payloads payloads, AdminActions actions) {
        this.actions = actions;
        this.payloads = payloads;
        this.reversals = reversals;
        this.caller = caller;
        this.purchases = purchases;
        this.packages = packages;
        this.wallets = wallets;
        this.packageAdmin = packageAdmin;
    }

    @Mutation("createCoinPackage")
    @AdminAction("createCoinPackage")
    @Description("Admin: put a new coin package on sale in a region.")
    @RolesAllowed(Role.ADMIN)
    @WithTransaction
    public Uni<@NonNull CoinPackagePayload> createCoinPackage(@NonNull CreateCoinPackageInput input) {
        return payloads.orRefusal(Payloads.guarded(() -> packageAdmin.create(input.region, input.coins, input.price, actions.draft()))
                .map(p -> new CoinPackagePayload(CoinPackageView.of(p), List.of())), e -> new CoinPackagePayload(null, List.of(e)));
    }

    @Mutation("retireCoinPackage")
    @AdminAction("retireCoinPackage")
    @Description("Admin: take a coin package off sale. Past purchases keep referring to it.")
    @RolesAllowed(Role.ADMIN)
    @WithTransaction
    public Uni<@NonNull CoinPackagePayload> retireCoinPackage(@NonNull RetireCoinPackageInput input) {
        return payloads.orRefusal(Payloads.guarded(() -> packageAdmin.retire(input.packageId, actions.draft()))
                .map(p -> new CoinPackagePayload(CoinPackageView.of(p), List.of())), e -> new CoinPackagePayload(null, List.of(e)));
    }

    @Mutation("reversePurchase")
    @AdminAction("reversePurchase")
    @Description("Admin: refund or charge back a purchase. Unspent coins are clawed back; coins already spent become a coin debt; pending gifts they funded are reversed.")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull ReversePurchasePayload> reversePurchase(@NonNull ReversePurchaseInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> reversals.reverse(c.userId(), input.purchaseId,
                input.kind == null ? null : input.kind.name(), input.idempotencyKey, actions.draft())))
                .map(r -> new ReversePurchasePayload(r, List.of())), e -> new ReversePurchasePayload(null, List.of(e)));
    }

    public enum ReversalKind {
        REFUND, CHARGEBACK
    }

    @Input("ReversePurchaseInput")
    public static class ReversePurchaseInput {
        @NonNull
        @Id
        public String purchaseId;
        @NonNull
        public ReversalKind kind;
        @PersonText(max = 255)
        @NonNull
        public String idempotencyKey;
    }

    @Type("ReversePurchasePayload")
    public record ReversePurchasePayload(Reversal reversal, @NonNull List<@NonNull UserError> userErrors) {
    }

    @Input("CreateCoinPackageInput")
    public static class CreateCoinPackageInput {
        @NonNull
        public String region;
        @NonNull
        public BigInteger coins;
        @NonNull
        public MoneyInput price;
    }

    @Input("RetireCoinPackageInput")
    public static class RetireCoinPackageInput {
        @NonNull
        @Id
        public String packageId;
    }

    @Type("CoinPackagePayload")
    public record CoinPackagePayload(CoinPackageView coinPackage, @NonNull List<@NonNull UserError> userErrors) {
    }

    @Query("coinPackages")
    @Description("Coin packages on sale in a region (ISO 3166-1 alpha-2), cheapest first. Public.")
    public Uni<@NonNull List<@NonNull CoinPackageView>> coinPackages(@NonNull String region) {
        return packages.activeIn(Regions.require(region)).map(list -> list.stream().map(CoinPackageView::of).toList());
    }

    @Query("coinQuote")
    @Description("Public: what a custom amount of coins costs in a region now (the base price, rounded up to the next minor unit), as purchaseCoins would charge it.")
    public Money coinQuote(@NonNull String region, @NonNull BigInteger coins) {
        try {
            return purchases.customPrice(Regions.require(region), coins);
        } catch (Refusal e) {
            throw new BadInput(e.getMessage());
        }
    }

    @Query("purchase")
    @Description("One of the caller's purchases (for example to poll a PENDING one). Null if it is not the caller's.")
    @RolesAllowed({ Role.VIEWER, Role.CREATOR, Role.ADMIN })
    public Uni<Purchase> purchase(@NonNull @Id String id) {
        var purchaseId = Ids.parse(id);
        if (purchaseId.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        return caller.get().flatMap(c -> purchases.findOptional(purchaseId.get())
                .map(p -> p.filter(x -> x.userId().equals(c.userId()) || c.hasRole(Role.ADMIN)).orElse(null)));
    }

    @Mutation("purchaseCoins")
    @Description("Buy coins with real money: a package (packageId) or a custom amount (coins) at the region's base price, rounded up to the next minor unit.")
    @RolesAllowed({ Role.VIEWER, Role.CREATOR })
    public Uni<@NonNull PurchaseCoinsPayload> purchaseCoins(@NonNull PurchaseCoinsInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> purchases.purchase(c,
                new PurchaseService.PurchaseRequest(parseId(input.packageId), input.coins, input.paymentMethodToken,
                        input.idempotencyKey)))
                // (read after the charge committed: a wallet that cannot be read then is left out, never an error that a client
                // would answer by buying again under a new key)
                .flatMap(p -> wallets.walletOf(c.userId(), c.region()).onFailure(e -> Payloads.refusalIn(e).isEmpty()).recoverWithNull()
                        .map(w -> PurchaseCoinsPayload.of(p, w)))),
                e -> new PurchaseCoinsPayload(null, null, List.of(e)));
    }

    private static UUID parseId(String id) {
        return id == null ? null : Ids.require(id, "No such coin package", "input", "packageId");
    }

    @Input("PurchaseCoinsInput")
    public static class PurchaseCoinsInput {
        @Id
        @Description("A package from coinPackages. Give this or `coins`.")
        public String packageId;
        @Description("A custom number of coins, priced at the region's base price. Give this or `packageId`.")
        public BigInteger coins;
        @PersonText(max = 200)
        @NonNull
        @Description("The payment provider's token for the card (simulated provider: pm_card_ok, pm_card_declined, pm_async).")
        public String paymentMethodToken;
        @PersonText(max = 255)
        @NonNull
        @Description("Client-chosen unique key (a UUID). Same key and input replays the original result.")
        public String idempotencyKey;
    }

    @Type("PurchaseCoinsPayload")
    public record PurchaseCoinsPayload(Purchase purchase, Wallet wallet, @NonNull List<@NonNull UserError> userErrors) {
        static PurchaseCoinsPayload of(Purchase p, Wallet w) {
            List<UserError> errors = Purchase.FAILED.equals(p.status())
                    ? List.of(UserError.of(ErrorCode.PAYMENT_DECLINED,
                            "The payment was declined (" + p.failureReason() + "); no coins were added", "input",
                            "paymentMethodToken"))
                    : List.of();
            return new PurchaseCoinsPayload(p, w, errors);
        }
    }

    @Type("CoinPackage")
    public record CoinPackageView(@Id @NonNull String id, long coins, @NonNull Money price, @NonNull String region, boolean active) {
        static CoinPackageView of(CoinPackage p) {
            return new CoinPackageView(p.id.toString(), p.coins, Money.ofMinor(p.priceMinor, p.currency), p.region, p.active);
        }
    }

}
