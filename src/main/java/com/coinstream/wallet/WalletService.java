package com.coinstream.wallet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.api.Money;
import com.coinstream.ledger.AccountKey;
import com.coinstream.ledger.AccountPurpose;
import com.coinstream.ledger.Ledger;
import com.coinstream.rates.RegionCurrency;

import io.smallrye.mutiny.Uni;

/** Reads wallets from the ledger. Nothing here writes a balance. */
@ApplicationScoped
public class WalletService {
    private final Ledger ledger;
    private final RegionCurrency regionCurrency;

    public WalletService(Ledger ledger, RegionCurrency regionCurrency) {
        this.ledger = ledger;
        this.regionCurrency = regionCurrency;
    }

    public Uni<Wallet> walletOf(String userId, String region) {
        return regionCurrency.of(region).flatMap(currency -> ledger.balancesOf(userId).map(b -> toWallet(b, currency)));
    }

    private static Wallet toWallet(Map<AccountKey, Long> balances, String regionCurrency) {
        long coins = 0;
        List<Money> paid = new ArrayList<>();
        Money primary = Money.ofMinor(0, regionCurrency);
        for (var e : balances.entrySet()) {
            AccountPurpose purpose = e.getKey().purpose();
            if (purpose == AccountPurpose.WALLET) {
                coins = e.getValue();
            } else if (purpose == AccountPurpose.FUNDING) {
                Money money = Money.ofMinor(e.getValue(), e.getKey().asset());
                paid.add(money);
                if (e.getKey().asset().equals(regionCurrency)) {
                    primary = money;
                }
            }
        }
        if (paid.size() == 1 && primary.minorUnits() == 0) {
            primary = paid.get(0);
        }
        paid.sort(java.util.Comparator.comparing(Money::getCurrency));
        return new Wallet(coins, primary, paid);
    }
}
