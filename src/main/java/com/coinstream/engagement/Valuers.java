package com.coinstream.engagement;

import java.util.function.LongFunction;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.domain.Money;
import com.coinstream.domain.PolicyConfig;
import com.coinstream.identity.Caller;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.protection.CoinValuation;

import io.smallrye.mutiny.Uni;

/**
 * Coins in real money for whoever asks: the signed-in caller's own valuation (what their coins cost them, as
 * Wallet.moneyValue), or the default region's base price for an anonymous reader (an overlay, a public page).
 */
@ApplicationScoped
public class Valuers {
    private final CurrentCaller caller;
    private final CoinValuation valuation;
    private final String defaultRegion;

    public Valuers(CurrentCaller caller, CoinValuation valuation, PolicyConfig policy) {
        this.caller = caller;
        this.valuation = valuation;
        this.defaultRegion = policy.defaultRegion();
    }

    public Uni<LongFunction<Money>> forCaller() {
        Caller viewer = caller.optional().orElse(null);
        return valuation.valuer(viewer == null ? null : viewer.userId(), viewer == null ? defaultRegion : viewer.region());
    }

    /** {@link #forCaller} for the payload of a change already committed ({@link CoinValuation#valuerAfterCommit}). */
    public Uni<LongFunction<Money>> afterCommit() {
        Caller viewer = caller.optional().orElse(null);
        return valuation.valuerAfterCommit(viewer == null ? null : viewer.userId(), viewer == null ? defaultRegion : viewer.region());
    }
}
