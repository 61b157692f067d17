package com.coinstream.wallet;

import io.smallrye.config.ConfigMapping;

@ConfigMapping(prefix = "coinstream.grant")
public interface GrantConfig {
    /** The most coins one admin grant may give (COINSTREAM_GRANT_MAX_COINS). */
    long maxCoins();
}
