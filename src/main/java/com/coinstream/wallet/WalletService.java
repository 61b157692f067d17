package com.coinstream.wallet;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.domain.Money;
import com.coinstream.ledger.AccountKey;
import com.coinstream.ledger.AccountPurpose;
import com.coinstream.ledger.Ledger;
import com.coinstream.rates.RateBook;

import io.smallrye.mutiny.Uni;

/** Reads wallets from the ledger. Nothing here writes a balance. */
@ApplicationScoped
public class WalletService {
    private final Ledger ledger;
    private final RateBook rates;
    private final Clock clock;

    public WalletService(Ledger ledger, RateBook rates, Clock clock) {
        this.ledger = ledger;
        this.rates = rates;
        this.clock = clock;
    }

    public Uni<Wallet> walletOf(String userId, String region) {
        String currency = rates.current(clock.instant()).currencyOf(region);
        return ledger.balance(AccountKey.wallet(userId)).map(coins -> new Wallet(userId, currency, region, coins));
    }

    /** Real money each wallet's owner has paid in, per currency, in one statement. */
    public Uni<Map<String, List<Money>>> moneyPaid(List<String> userIds) {
        return ledger.balancesOf(userIds, AccountPurpose.FUNDING).map(byUser -> {
            Map<String, List<Money>> paid = new HashMap<>();
            byUser.forEach((key, minor) -> paid.computeIfAbsent(key.ownerId(), k -> new ArrayList<>())
                    .add(Money.ofMinor(minor, key.asset())));
            paid.values().forEach(list -> list.sort(Comparator.comparing(Money::getCurrency)));
            return paid;
        });
    }

    /** The wallet's regional currency amount, or the only currency paid in, or zero. */
    public static Money primary(Wallet wallet, List<Money> paid) {
        for (Money m : paid) {
            if (m.getCurrency().equals(wallet.currency())) {
                return m;
            }
        }
        return paid.size() == 1 ? paid.get(0) : Money.ofMinor(0, wallet.currency());
    }
}
