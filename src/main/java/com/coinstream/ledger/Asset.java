package com.coinstream.ledger;

import java.util.Currency;

/** What a ledger account holds: COIN, DIAMOND, or real money in an ISO 4217 currency (minor units). */
public final class Asset {
    public static final String COIN = "COIN";
    public static final String DIAMOND = "DIAMOND";

    private Asset() {
    }

    public static String cash(String currency) {
        Currency.getInstance(currency);
        return currency;
    }

    public static boolean isCash(String asset) {
        return !COIN.equals(asset) && !DIAMOND.equals(asset);
    }
}
