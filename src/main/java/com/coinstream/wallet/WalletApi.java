package com.coinstream.wallet;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.Money;
import com.coinstream.domain.UserError;
import com.coinstream.graphql.AdminAction;
import com.coinstream.graphql.AdminActions;
import com.coinstream.graphql.ApiSecurity;
import com.coinstream.graphql.PersonText;
import com.coinstream.graphql.Payloads;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.ErasedAccounts;
import com.coinstream.identity.Role;
import com.coinstream.identity.UserDirectory;
import com.coinstream.ledger.AccountKey;
import com.coinstream.ledger.AccountPurpose;
import com.coinstream.ledger.Asset;
import com.coinstream.ledger.Ledger;
import com.coinstream.ledger.LedgerEntryRef;
import com.coinstream.ledger.LedgerHistory;
import com.coinstream.ledger.LedgerLineConnection;
import com.coinstream.protection.CoinValuation;

import io.smallrye.graphql.api.Subscription;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

@GraphQLApi
@ApiSecurity
public class WalletApi {
    private final CurrentCaller caller;
    private final WalletService wallets;
    private final LedgerHistory history;
    private final GrantService grants;
    private final UserDirectory users;
    private final Ledger ledger;
    private final CoinValuation valuation;
    private final WalletFeed walletFeed;

    private final Payloads payloads;
    private final AdminActions actions;
    private final ErasedAccounts erased;

    public WalletApi(CurrentCaller caller, WalletService wallets, LedgerHistory history, GrantService grants,
            UserDirectory users, WalletFeed walletFeed, Ledger ledger, CoinValuation valuation, Payloads payloads, AdminActions actions,
            ErasedAccounts erased) {
        this.erased = erased;
        this.actions = actions;
        this.payloads = payloads;
        this.ledger = ledger;
        this.valuation = valuation;
        this.walletFeed = walletFeed;
        this.caller = caller;
        this.wallets = wallets;
        this.history = history;
        this.grants = grants;
        this.users = users;
    }

    @Query("wallet")
    @Description("The caller's wallet.")
    @RolesAllowed({ Role.VIEWER, Role.CREATOR, Role.ADMIN })
    public Uni<@NonNull Wallet> wallet() {
        return caller.get().flatMap(c -> wallets.walletOf(c.userId(), c.region()));
    }

    @Subscription("walletChanged")
    @Description("Your wallet each time it changes (a purchase, gift, grant, refund or debt repayment), once the change has committed, "
            + "whichever instance made it. Authenticate in connection_init: {\"Authorization\": \"Bearer <token>\"}.")
    @RolesAllowed({ Role.VIEWER, Role.CREATOR, Role.ADMIN })
    public Multi<Wallet> walletChanged() {
        // Each signal reads the wallet afresh, so every item is a committed balance; signals that arrive
        // while a read is running collapse into one.
        // (at most WALLET_WATCHERS of one person's at once on an instance: each reads the wallet on every change, and 25
        // on each of 10 connections made one 1-coin gift 1,000 statements)
        return caller.get().onItem().transformToMulti(c -> WATCHERS.stream(c.userId(), () -> erased.endWhenErased(c.userId(),
                walletFeed.changes(c.userId()).onItem().transformToUniAndConcatenate(changed -> wallets.walletOf(c.userId(), c.region())))));
    }

    /** walletChanged subscriptions one person may hold at once on an instance (one for each of their connections). */
    static final int WALLET_WATCHERS = 10;
    private static final com.coinstream.domain.AtOnce.PerKey WATCHERS = new com.coinstream.domain.AtOnce.PerKey(WALLET_WATCHERS,
            () -> new com.coinstream.domain.Refusal(com.coinstream.domain.ErrorCode.RATE_LIMITED, "At most " + WALLET_WATCHERS
                    + " walletChanged subscriptions of one person at once; complete one first"));

    @Description("Real money paid in for coins, in the owner's regional currency.")
    public Uni<@NonNull List<@NonNull Money>> moneyPaid(@Source List<Wallet> wallets) {
        return this.wallets.moneyPaid(wallets.stream().map(Wallet::userId).distinct().toList())
                .map(paid -> wallets.stream().map(w -> WalletService.primary(w, paid.getOrDefault(w.userId(), List.of()))).toList());
    }

    @Description("Real money paid in, per currency (when purchases were made in several).")
    public Uni<@NonNull List<@NonNull List<@NonNull Money>>> moneyPaidByCurrency(@Source List<Wallet> wallets) {
        return this.wallets.moneyPaid(wallets.stream().map(Wallet::userId).distinct().toList())
                .map(paid -> wallets.stream().map(w -> paid.getOrDefault(w.userId(), List.of())).toList());
    }

    @Description("Coins owed after a refund or chargeback of coins already spent. While above zero, gifting and payouts are blocked; the next purchase repays it first.")
    public Uni<@NonNull List<@NonNull Long>> coinDebt(@Source List<Wallet> wallets) {
        return ledger.balancesOf(wallets.stream().map(Wallet::userId).distinct().toList(), AccountPurpose.COIN_DEBT)
                .map(debts -> wallets.stream().map(w -> debts.getOrDefault(AccountKey.user(w.userId(), AccountPurpose.COIN_DEBT, Asset.COIN), 0L))
                        .toList());
    }

    @Description("coins minus coinDebt: negative while a debt is outstanding.")
    public Uni<@NonNull List<@NonNull Long>> coinPosition(@Source List<Wallet> wallets) {
        return coinDebt(wallets).map(debts -> {
            List<Long> positions = new ArrayList<>();
            for (int i = 0; i < wallets.size(); i++) {
                positions.add(wallets.get(i).coins() - debts.get(i));
            }
            return positions;
        });
    }

    @Description("What your coins are worth in real money, at the weighted-average price you paid (or the base price of your region before any purchase).")
    public Uni<@NonNull List<Money>> moneyValue(@Source List<Wallet> list) {
        if (list.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        // in the owner's region, which the wallet carries (an admin's grant answers with the recipient's wallet, valued as
        // they see it); never the caller's, read here: a replayed gift's wallet is resolved outside its request, where
        // reading the token failed (INTERNAL)
        Wallet first = list.get(0);
        return valuation.valuer(first.userId(), first.region()).map(v -> list.stream().map(w -> v.apply(w.coins())).toList());
    }

    @Query("transactions")
    @Description("The caller's ledger history, newest first. `first` is capped at 100.")
    @RolesAllowed({ Role.VIEWER, Role.CREATOR, Role.ADMIN })
    public Uni<@NonNull LedgerLineConnection> transactions(Integer first, String after) {
        return caller.get().flatMap(c -> Payloads.guarded(() -> history.linesOf(c.userId(), first, after)))
                .map(LedgerLineConnection::of);
    }

    @Mutation("grantCoins")
    @AdminAction("grantCoins")
    @Description("Admin: give a user free coins (promotion or compensation), booked against the promotions account.")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull GrantCoinsPayload> grantCoins(@NonNull GrantCoinsInput input) {
        return payloads.orRefusal(caller.get()
                .flatMap(admin -> Payloads.guarded(
                        () -> grants.grant(admin, input.userId, input.coins, input.reason, input.idempotencyKey,
                                actions.draft())))
                // (read after the grant committed: a wallet that cannot be read then is left out, never an error)
                .flatMap(granted -> users.find(granted.userId())
                        .flatMap(u -> wallets.walletOf(granted.userId(), u.orElseThrow().region()))
                        .onFailure(e -> Payloads.refusalIn(e).isEmpty()).recoverWithNull()
                        .map(w -> new GrantCoinsPayload(w, granted.entry(), List.of()))),
                e -> new GrantCoinsPayload(null, null, List.of(e)));
    }

    @Input("GrantCoinsInput")
    public static class GrantCoinsInput {
        @PersonText(max = com.coinstream.identity.Caller.MAX_USER_ID)
        @NonNull
        public String userId;
        @NonNull
        public BigInteger coins;
        @PersonText(max = 500, multiline = true)
        @NonNull
        public String reason;
        @PersonText(max = 255)
        @NonNull
        @Description("Client-chosen unique key (a UUID). Same key and input replays the original result.")
        public String idempotencyKey;
    }

    @Type("GrantCoinsPayload")
    public record GrantCoinsPayload(@Description("The recipient's wallet after the grant.") Wallet wallet,
            LedgerEntryRef entry, @NonNull List<@NonNull UserError> userErrors) {
    }
}
