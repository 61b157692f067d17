package com.coinstream.purchase;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Buying coins: the limits of a custom purchase and the payment provider. */
@ConfigMapping(prefix = "coinstream.purchase")
public interface PurchaseConfig {
    /** The most coins one custom purchase may buy (COINSTREAM_PURCHASE_MAX_COINS). */
    long maxCoins();

    /** Which gateway charges cards (COINSTREAM_PAYMENT_PROVIDER; no default in prod). */
    Optional<String> provider();

    /** The shared secret of the provider's webhook signatures (COINSTREAM_PAYMENT_WEBHOOK_SECRET; no default in prod). */
    Optional<String> webhookSecret();
}
